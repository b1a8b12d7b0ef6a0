import ArgumentParser
import Foundation
import IAAAssessment
import IAACore
import IAAImaging
import IAAScoring

/// Explanation language.
enum Language: String, ExpressibleByArgument, CaseIterable {
    case en, zh
}

/// `iaa-enhance score`: the multi-factor assessment of photos.
struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score",
        abstract: "Assess photos: aesthetics (NIMA/AVA), technical quality (BRISQUE, NIQE) and the ITU-T F.740.4 attributes, each with a level and a reason.",
        discussion: """
        Sort keys: overall, aesthetic, quality, rating, and the factor ids composition, colour, \
        cameraAngle, lightAndShadow, sharpness, exposure, whiteBalance, saturation, noise, artifact, \
        focus (scores 0–10, 10 best; ties keep the input order).
        """
    )

    @OptionGroup var photos: PhotoArguments

    @Flag(help: "Write one JSON object per photo (JSON Lines) instead of the table.")
    var json = false

    @Option(help: ArgumentHelp("Also write a CSV table of every photo to this file.", valueName: "file"))
    var csv: String?

    @Option(help: ArgumentHelp("Rank the photos by this score, best first.", valueName: "factor"))
    var sort: String?

    @Option(help: ArgumentHelp("Show only the first N photos (after --sort).", valueName: "N"))
    var top: Int?

    @Option(help: ArgumentHelp("Write the exposure heat map, colour wheel and composition overlay of each photo into this folder.", valueName: "dir"))
    var explain: String?

    @Option(help: "Language of the explanations: en or zh (Simplified Chinese).")
    var lang: Language = .en

    static let sortKeys = ["overall", "rating", "aesthetic", "quality"] + Assessor.classicalFactors(visuals: false).map(\.id)

    func validate() throws {
        if let sort, !Self.sortKeys.contains(sort) {
            throw ValidationError("Expected one of \(Self.sortKeys.joined(separator: ", ")) for --sort but received \(sort).")
        }
        if let top, top < 1 { throw ValidationError("Expected a positive number for --top but received \(top).") }
    }

    func run() throws {
        if let explain {
            try FileManager.default.createDirectory(atPath: explain, withIntermediateDirectories: true)
        }
        let models = try ScoringModels.load()
        let scorer = PhotoScorer(models: models, visuals: explain != nil)
        let ranking = sort != nil || top != nil || csv != nil
        var results: [PhotoScore] = []
        var batchError: Error?
        do {
            try forEachPhoto(photos.files(excluding: explain)) { file in
                let score = try scorer.score(try Photo(path: file, options: photos.decodeOptions))
                if let explain { try Self.writeVisuals(score, to: explain) }
                if ranking { results.append(score) } else { emit(score) }
            }
        } catch {
            batchError = error
        }
        if ranking {
            if let sort {
                results = results.enumerated().sorted {
                    let a = $0.element.value(of: sort) ?? -.infinity, b = $1.element.value(of: sort) ?? -.infinity
                    return a != b ? a > b : $0.offset < $1.offset
                }.map(\.element)
            }
            if let top { results = Array(results.prefix(top)) }
            if let csv { try AtomicFile.write(Array(ScoreReport.csv(results).utf8), to: csv) }
            results.forEach(emit)
        }
        if let batchError { throw batchError }
    }

    func emit(_ score: PhotoScore) {
        if json {
            print(ScoreReport.json(score, chinese: lang == .zh))
        } else {
            print(ScoreReport.table(score, chinese: lang == .zh))
        }
    }

    static func writeVisuals(_ score: PhotoScore, to dir: String) throws {
        let stem = URL(fileURLWithPath: score.file).deletingPathExtension().lastPathComponent
        for r in score.assessment.results {
            guard let v = r.visual else { continue }
            try RGBCodec.write(v.image, to: (dir as NSString).appendingPathComponent("\(stem).\(r.id)-\(v.kind).png"))
        }
    }
}
