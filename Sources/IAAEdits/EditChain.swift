import Foundation
import IAACore

/// A recipe: at most one edit of each kind, applied in the canonical order of `EditKind`.
///
/// Identity edits are dropped and numbers are rounded as the canonical encoding writes them,
/// so two chains that render the same pixels have the same encoding. That encoding — JSON with
/// sorted keys, fixed number formatting and the format version — is at once the recipe stored
/// in a file's metadata, the preset format, and (hashed) the cache key of every prefix:
///
///     {"edits":{"exposure":{"ev":0.5},"tone":{"blacks":0,…}},"version":"iaa-recipe/1"}
///
/// The order of application is not written in the file: it is fixed by the version.
public struct EditChain: Sendable, Hashable, CustomStringConvertible {
    /// The recipe format this type reads and writes.
    public static let formatVersion = "iaa-recipe/1"

    /// The non-identity edits, in canonical order.
    public let edits: [AnyEdit]

    /// The empty chain (changes nothing).
    public static let identity = EditChain(validated: [])

    private init(validated: [AnyEdit]) { self.edits = validated }

    /// Validates every edit (ranges from the parameter tables, then cross-field rules),
    /// refuses two edits of one kind, sorts into canonical order and drops identities.
    public init(_ edits: [any Edit]) throws {
        var seen = Set<EditKind>()
        var out: [AnyEdit] = []
        for e in edits {
            let kind = type(of: e).kind
            guard seen.insert(kind).inserted else {
                throw IAAError(.invalidArgument, path: nil, "Expected at most one \(kind.rawValue) edit in a chain but received two")
            }
            try e.validate()
            let c = e.canonicalized
            if !c.isIdentity { out.append(AnyEdit(c)) }
        }
        self.init(validated: out.sorted { $0.kind < $1.kind })
    }

    /// The edit of `kind`, if the chain has one.
    public func edit(_ kind: EditKind) -> AnyEdit? { edits.first { $0.kind == kind } }

    /// The chain with `edit` added or replacing the one of its kind.
    public func setting(_ edit: any Edit) throws -> EditChain {
        try EditChain(edits.filter { $0.kind != type(of: edit).kind }.map(\.base) + [edit])
    }

    /// The first `count` edits.
    public func prefix(_ count: Int) -> EditChain { EditChain(validated: Array(edits.prefix(count))) }

    // MARK: Encoding

    /// The recipe as a JSON value.
    public var json: JSONValue {
        .object([
            "version": .string(Self.formatVersion),
            "edits": .object(Dictionary(uniqueKeysWithValues: edits.map { ($0.kind.rawValue, $0.paramsJSON) })),
        ])
    }

    /// The canonical text (see the type's documentation).
    public var canonicalJSON: String { CanonicalJSON.encode(json) }

    /// SHA-256 (hex) of the canonical text: the cache key and the recipe's identity.
    public var key: String { SHA256.hex(Array(canonicalJSON.utf8)) }

    /// Keys of every prefix, `prefixKeys[i]` for the first `i + 1` edits.
    public var prefixKeys: [String] { (0..<edits.count).map { prefix($0 + 1).key } }

    /// Reads a recipe: `version` must be "iaa-recipe/1", `edits` an object whose keys are edit
    /// ids; missing parameters take their defaults; everything is validated.
    public init(json: JSONValue) throws {
        guard case .object(let top) = json else {
            throw IAAError(.invalidArgument, path: nil, "Expected a recipe object")
        }
        guard let version = top["version"]?.string else {
            throw IAAError(.invalidArgument, path: nil, "Expected a version \"\(Self.formatVersion)\" in the recipe")
        }
        guard version == Self.formatVersion else {
            throw IAAError(.invalidArgument, path: nil, "Expected recipe version \"\(Self.formatVersion)\" but received \"\(version)\"")
        }
        for key in top.keys where key != "version" && key != "edits" {
            throw IAAError(.invalidArgument, path: nil, "Unknown recipe field \"\(key)\"")
        }
        let editsJSON = top["edits"]?.object ?? [:]
        var edits: [any Edit] = []
        for (name, params) in editsJSON.sorted(by: { $0.key < $1.key }) {
            guard let kind = EditKind(rawValue: name) else {
                throw IAAError(.invalidArgument, path: nil,
                               "Unknown edit \"\(name)\" (known: \(EditKind.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            edits.append(try kind.type.decode(params))
        }
        try self.init(edits)
    }

    /// Parses recipe text (any key order, any whitespace).
    public init(jsonText: String) throws {
        let value: JSONValue
        do { value = try JSONValue.parse(Array(jsonText.utf8)) } catch {
            throw IAAError(.invalidArgument, path: nil, "The recipe is not valid JSON (\(error.localizedDescription))")
        }
        try self.init(json: value)
    }

    /// Checks that every referenced look exists.
    public func validate(looks: LookLibrary) throws {
        if let look = edit(.look)?.base as? LookEdit, let id = look.params.look { _ = try looks.look(id) }
    }

    public var description: String { canonicalJSON }

    public static func == (a: EditChain, b: EditChain) -> Bool { a.edits == b.edits }
    public func hash(into h: inout Hasher) { h.combine(edits) }
}
