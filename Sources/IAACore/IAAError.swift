/// Errors a user can see. Every case renders as one sentence naming the file and the problem
/// (convention: layer modules throw these, the CLI prints `description` and exits non-zero).
public struct IAAError: Error, CustomStringConvertible, Sendable, Equatable {
    /// What kind of failure, for callers that branch on it (tests, batch summaries).
    public enum Kind: String, Sendable, Codable {
        case notFound, unreadable, unsupportedFormat, corrupt, truncated, tooLarge
        case writeFailed, invalidArgument, badWeights, internalFailure
    }

    public let kind: Kind
    /// The file concerned, if any.
    public let path: String?
    /// The problem, as a clause without the file name ("is truncated (…)").
    public let problem: String

    public init(_ kind: Kind, path: String?, _ problem: String) {
        self.kind = kind
        self.path = path
        self.problem = problem
    }

    /// One sentence: "`photo.jpg`: is truncated (Premature end of input file)."
    public var description: String {
        var s = path.map { "\($0): \(problem)" } ?? problem
        if !s.hasSuffix(".") { s += "." }
        return s
    }
}
