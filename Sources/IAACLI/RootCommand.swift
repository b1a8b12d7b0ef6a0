import ArgumentParser
import Foundation
import IAACore

/// The `iaa-enhance` command.
public struct IAAEnhanceCommand: ParsableCommand {
    public static let version = "0.1.0"

    public static let configuration = CommandConfiguration(
        commandName: "iaa-enhance",
        abstract: "A photography expert on the command line: judges photos, fixes them, records the judgement.",
        discussion: """
        Exit codes: 0 every file succeeded; 1 at least one file failed (the others were still \
        processed, and a summary lists the failures); 2 the command line was wrong.
        """,
        version: version,
        subcommands: [EnhanceCommand.self, ScoreCommand.self, TagCommand.self, ReadCommand.self, InfoCommand.self],
        defaultSubcommand: EnhanceCommand.self
    )

    public init() {}

    /// Runs the command line and exits with the documented codes (0, 1, 2).
    public static func run(arguments: [String] = Array(CommandLine.arguments.dropFirst())) -> Never {
        do {
            var command = try parseAsRoot(arguments)
            try command.run()
            Foundation.exit(0)
        } catch let failure as BatchFailure {
            // Each failure was reported as it happened; a batch also gets a summary.
            if failure.total > 1 { FileHandle.standardError.write(Data(failure.summary.utf8)) }
            Foundation.exit(1)
        } catch let error as IAAError {
            FileHandle.standardError.write(Data("iaa-enhance: \(error.description)\n".utf8))
            Foundation.exit(1)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// Thrown after a batch in which some files failed; carries the summary printed on stderr.
struct BatchFailure: Error {
    let failures: [(String, IAAError)]
    let total: Int

    var summary: String {
        var s = "iaa-enhance: \(failures.count) of \(total) file\(total == 1 ? "" : "s") failed:\n"
        for (_, e) in failures { s += "  - \(e.description)\n" }
        return s
    }
}
