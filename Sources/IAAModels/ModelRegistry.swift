import Foundation
import IAACore

/// What a model measures or finds.
public enum ModelTask: String, Sendable, Codable, CaseIterable {
    /// Overall aesthetic quality (NIMA on AVA).
    case aesthetics
    /// No-reference technical quality (BRISQUE, NIQE).
    case technicalQuality
    /// Face boxes and landmarks (YuNet).
    case faceDetection
    /// Image classes (EfficientNet-Lite0 on ImageNet-1k), used for the photo's theme.
    case classification
}

/// Which way a model's score improves.
public enum ScoreDirection: String, Sendable, Codable {
    case higherIsBetter
    case lowerIsBetter
    /// Detectors: the output is a set of findings, not a quality score.
    case notAScore
}

/// One row of the model table: everything needed to find, verify and describe a model.
public struct ModelEntry: Sendable, Hashable {
    /// Short stable identifier ("nima-ava", "yunet-n", …).
    public let name: String
    public let task: ModelTask
    public let direction: ScoreDirection
    /// The range the score can take (for detectors: the confidence range).
    public let scoreRange: ClosedRange<Double>
    /// The weight file's name inside the Weights folder.
    public let weightsFile: String
    /// SHA-256 of that file (lowercase hex); loading refuses any other content.
    public let sha256: String
    /// One line: paper and where the weights come from (details in Weights/<card>.md).
    public let summary: String

    /// Creates a row; see the properties for units.
    public init(name: String, task: ModelTask, direction: ScoreDirection, scoreRange: ClosedRange<Double>,
                weightsFile: String, sha256: String, summary: String) {
        self.name = name
        self.task = task
        self.direction = direction
        self.scoreRange = scoreRange
        self.weightsFile = weightsFile
        self.sha256 = sha256
        self.summary = summary
    }

    /// The located weight file (see `WeightsLocator`).
    public func weightsPath() throws -> String {
        try WeightsLocator.path(of: weightsFile)
    }
}

/// A model that can be built from its registry entry's weight file.
public protocol RegisteredModel {
    /// The model's row in `ModelRegistry`.
    static var entry: ModelEntry { get }
    /// Loads from an explicit weight file, verified against `entry.sha256`.
    init(weightsAt path: String) throws
}

extension RegisteredModel {
    /// Loads from the Weights folder found by `WeightsLocator`.
    public static func load() throws -> Self {
        try Self(weightsAt: entry.weightsPath())
    }
}

/// The table of every model the project ships. Add a row here (and a Weights/<Name>.md card)
/// for each new model; nothing else in the code branches on a model's name.
public enum ModelRegistry {
    /// All entries, in a stable order.
    public static let all: [ModelEntry] = [
        NIMA.entry,
        YuNet.entry,
        Brisque.entry,
        Niqe.entry,
        EfficientNetLite0.entry,
    ]

    /// The entry named `name`, or nil.
    public static func entry(named name: String) -> ModelEntry? {
        all.first { $0.name == name }
    }
}

/// Finds the project's `Weights` folder: `$IAA_WEIGHTS_DIR` if set, else the nearest `Weights`
/// folder holding the file, searching upward from the executable's directory and then from the
/// current directory (so both `swift run`/`swift test` builds and an installed tree work).
public enum WeightsLocator {
    /// Environment variable that overrides the search.
    public static let environmentVariable = "IAA_WEIGHTS_DIR"

    /// Absolute path of weight file `name`, or an `IAAError(.badWeights)` that says where it looked.
    public static func path(of name: String) throws -> String {
        let fm = FileManager.default
        if let dir = ProcessInfo.processInfo.environment[environmentVariable], !dir.isEmpty {
            let p = (dir as NSString).appendingPathComponent(name)
            guard fm.fileExists(atPath: p) else {
                throw IAAError(.badWeights, path: p, "weight file not found (\(environmentVariable) points to \(dir))")
            }
            return p
        }
        var starts: [String] = []
        if let exe = executablePath() { starts.append((exe as NSString).deletingLastPathComponent) }
        starts.append(fm.currentDirectoryPath)
        var looked: [String] = []
        for start in starts {
            var dir = (start as NSString).standardizingPath
            while true {
                let candidate = ((dir as NSString).appendingPathComponent("Weights") as NSString).appendingPathComponent(name)
                if fm.fileExists(atPath: candidate) { return candidate }
                let parent = (dir as NSString).deletingLastPathComponent
                if parent == dir || parent.isEmpty { break }
                dir = parent
            }
            looked.append(start)
        }
        throw IAAError(.badWeights, path: name, "weight file not found in a Weights folder above \(looked.joined(separator: " or ")); set \(environmentVariable) to the folder that holds it")
    }

    private static func executablePath() -> String? {
        if let p = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { return p }
        return Bundle.main.executablePath
    }
}
