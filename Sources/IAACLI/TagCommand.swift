import ArgumentParser
import Foundation
import IAACore
import IAAImaging
import IAAMetadata
import IAAScoring

/// `iaa-enhance tag`: assess photos and store the judgement as XMP without touching a pixel.
struct TagCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tag",
        abstract: "Assess photos and record the result as ITU-T F.740.4 XMP metadata, without re-encoding a pixel.",
        discussion: """
        By default a tagged copy is written beside each photo (photo.jpg → photo.tagged.jpg); \
        --in-place tags the original itself (atomically), --sidecar writes photo.jpg.xmp and leaves \
        the photo alone. JPEG, PNG and WebP are tagged inside the file (only the XMP segment or \
        chunk changes); TIFF and HEIF always get a sidecar. A star rating already in the file is \
        kept unless --overwrite-rating. Fields: docs/metadata.md.
        """
    )

    @OptionGroup var photos: PhotoArguments

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the tagged copy to this file, or into this folder (ending in /).", valueName: "path"))
    var output: String?

    @Flag(help: "Tag the original file itself (written atomically).")
    var inPlace = false

    @Flag(help: "Write an XMP sidecar beside the photo instead of changing any image file.")
    var sidecar = false

    @Option(help: ArgumentHelp("Sidecar naming: append (photo.jpg.xmp, darktable/digiKam) or replace (photo.xmp, Lightroom).", valueName: "style"))
    var sidecarNaming: SidecarStyle = .append

    @Flag(help: "Replace a star rating the file already has.")
    var overwriteRating = false

    @Flag(help: "Remove iaa-enhance's own fields (namespace iaa) instead of writing them; nothing else is touched.")
    var strip = false

    @Flag(help: "Print one JSON object per photo (JSON Lines).")
    var json = false

    enum SidecarStyle: String, ExpressibleByArgument, CaseIterable {
        case append, replace
        var naming: SidecarNaming { self == .append ? .appendExtension : .replaceExtension }
    }

    func validate() throws {
        if sidecar && (inPlace || output != nil) { throw ValidationError("--sidecar cannot be combined with --in-place or -o.") }
        do {
            try OutputNaming(output: output, inPlace: inPlace, suffix: "tagged").validate(inputCount: photos.paths.count)
        } catch let e as IAAError {
            throw ValidationError(e.description)
        }
    }

    func run() throws {
        let naming = OutputNaming(output: output, inPlace: inPlace, suffix: "tagged")
        let files = photos.files()
        try naming.validate(inputCount: files.count)
        let models = strip ? nil : try ScoringModels.load()
        let scorer = models.map { PhotoScorer(models: $0) }
        try forEachPhoto(files) { file in
            let mode: EmbedMode = sidecar ? .sidecar(sidecarNaming.naming) : inPlace ? .inPlace : .copy(to: try naming.destination(for: file))
            if strip {
                let r = try MetadataEmbedder.strip(file, mode: mode)
                report(file: file, result: r, score: nil)
                return
            }
            // Decode strictly first: a photo whose pixels are damaged is refused, not tagged.
            let score = try scorer!.score(try Photo(path: file, options: photos.decodeOptions))
            let record = score.record(models: models!.modelInfo)
            let r = try MetadataEmbedder.embed(record, into: file, mode: mode, overwriteRating: overwriteRating)
            report(file: file, result: r, score: score)
        }
    }

    func report(file: String, result r: EmbedResult, score: PhotoScore?) {
        if json {
            var obj: [String: Any] = ["file": file, "written": r.path, "sidecar": r.isSidecar, "ratingWritten": r.ratingWritten]
            if let score {
                obj["overall"] = (score.overall * 100).rounded() / 100
                obj["rating"] = score.rating
                obj["levels"] = score.assessment.levels
            }
            let data = try! JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
            return
        }
        var line = "\(file) → \(r.path)" + (r.isSidecar ? " (sidecar)" : "")
        if let score {
            let stars = String(repeating: "★", count: score.rating)
            line += String(format: ": %@ overall %.2f, %d F.740.4 levels", stars, score.overall, score.assessment.levels.count)
            if !r.ratingWritten { line += " (existing rating kept)" }
        } else {
            line += ": iaa fields removed"
        }
        print(line)
    }
}
