// swift-tools-version:6.0
// iaa-enhance: photo aesthetics assessment, enhancement with an aesthetic judge, and
// ITU-T F.740.4 metadata. Module graph (one-way):
//
//   CVips/CVipsShim ─▶ IAAImaging ─┐
//   COpenBLAS ─▶ IAANeural ─▶ IAAModels ─▶ IAAAssessment ─▶ IAACLI ─▶ iaa-enhance
//   IAAMetadata (XMP; IAACore only) ─────────────────────────────────┘
//   IAACore (pixel buffers, errors, hashing) sits under all of them.
import PackageDescription

let package = Package(
    name: "iaa-enhance",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "iaa-enhance", targets: ["iaa-enhance"]),
        .library(name: "IAAImaging", targets: ["IAAImaging"]),
        .library(name: "IAAMetadata", targets: ["IAAMetadata"]),
        .library(name: "IAAEdits", targets: ["IAAEdits"]),
        .library(name: "IAAAssessment", targets: ["IAAAssessment"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // System libraries, found with pkg-config.
        .systemLibrary(name: "CVips", pkgConfig: "vips", providers: [.apt(["libvips-dev"])]),
        .systemLibrary(name: "COpenBLAS", pkgConfig: "openblas", providers: [.apt(["libopenblas-dev"])]),
        .systemLibrary(name: "CExif", pkgConfig: "libexif", providers: [.apt(["libexif-dev"])]),
        // Non-variadic C wrappers for the libvips calls Swift cannot make. No stable API.
        .target(name: "CVipsShim", dependencies: ["CVips"]),

        // Optimised in debug builds too: SHA-256 of the weights runs at every model load.
        // SHA-256 block compression on the CPU's SHA extensions (runtime-checked; IAACore
        // falls back to its own Swift rounds).
        .target(name: "CSHA256"),
        .target(name: "IAACore", dependencies: ["CSHA256"], swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "IAAImaging", dependencies: ["IAACore", "CVips", "CVipsShim", "CExif"]),
        // Aesthetic metadata (XMP, namespace iaa) and lossless embedding: pure file-format code.
        .target(name: "IAAMetadata", dependencies: ["IAACore"]),
        // Inference engine (NCHW, OpenBLAS sgemm) and the ported models on top of it.
        // Optimised even in debug builds: the kernels are ~50× slower unoptimised, which would
        // make every test that runs a network take minutes.
        .target(name: "IAANeural", dependencies: ["IAACore", "COpenBLAS"],
                swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "IAAModels", dependencies: ["IAANeural", "IAACore"], swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "IAAEdits", dependencies: ["IAACore", "IAAImaging"]),
        // Classical assessment factors (exposure, white balance, … composition): pure Swift on
        // RGBImage, no libvips, so the judge runs anywhere a proxy exists.
        // Optimised in debug builds as well: every test that assesses a photo runs these loops.
        .target(name: "IAAAssessment", dependencies: ["IAACore"], swiftSettings: [.unsafeFlags(["-O"])]),
        .executableTarget(name: "iaa-bench-factors", dependencies: ["IAAAssessment", "IAAModels", "IAANeural", "IAAImaging", "IAACore"]),
        // Whole-photo assessment: one proxy decode, then every model and factor (score, tag).
        .target(name: "IAAScoring", dependencies: ["IAAAssessment", "IAAModels", "IAAImaging", "IAAMetadata", "IAACore"]),
        .target(name: "IAACLI", dependencies: [
            "IAACore", "IAAImaging", "IAAMetadata", "IAAAssessment", "IAAScoring", "IAASearch", "IAAEdits", "IAANeural",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "iaa-enhance", dependencies: ["IAACLI"]),
        // The aesthetic judge and the edit search behind `iaa-enhance photo.jpg`.
        .target(name: "IAASearch", dependencies: ["IAAEdits", "IAAAssessment", "IAAModels", "IAAImaging", "IAAMetadata", "IAACore"]),
        .testTarget(name: "IAASearchTests", dependencies: ["IAASearch", "IAAEdits", "IAAAssessment", "IAAImaging", "IAACore"]),
        // Degrade-and-recover benchmark driver (Tools/bench-recover.sh).
        .executableTarget(name: "iaa-bench-recover", dependencies: ["IAASearch", "IAAEdits", "IAAImaging", "IAACore"]),
        // Benchmark drivers (Tools/bench-*.sh); not installed, not part of the product.
        .executableTarget(name: "iaa-bench-io", dependencies: ["IAAImaging"]),
        .executableTarget(name: "iaa-bench-metadata", dependencies: ["IAAMetadata", "IAACore"]),
        // Release-mode timing of BRISQUE/NIQE against a libvips decode (Tools/bench-quality.sh).
        .executableTarget(name: "iaa-bench-quality", dependencies: ["IAAModels", "IAAImaging", "IAACore"]),

        .testTarget(name: "IAACoreTests", dependencies: ["IAACore"]),
        // Fixture paths, process runner and exiftool helper shared by the test targets.
        .target(name: "IAATestSupport", dependencies: ["IAACore"], path: "Sources/IAATestSupport"),
        .testTarget(name: "IAAImagingTests", dependencies: ["IAAImaging", "IAACore", "IAATestSupport"]),
        .testTarget(name: "IAACLITests", dependencies: ["IAACLI", "IAACore", "IAAImaging", "IAATestSupport", "iaa-enhance"]),
        .testTarget(name: "IAAMetadataTests", dependencies: ["IAAMetadata", "IAACore"]),
        // Release-only benchmark of IAANeural/IAAModels (run by Tools/bench-neural.sh).
        .executableTarget(name: "iaa-bench-neural", dependencies: ["IAAModels", "IAANeural", "IAAImaging", "IAACore"]),

        .testTarget(name: "IAANeuralTests", dependencies: ["IAANeural", "IAACore"]),
        .testTarget(name: "IAAModelsTests", dependencies: ["IAAModels", "IAANeural", "IAACore", "IAAImaging", "IAATestSupport"]),
        // Proxy render benchmark for the edits (Tools/bench-edits.sh, release builds only).
        .executableTarget(name: "bench-edits", dependencies: ["IAAEdits", "IAAImaging", "IAACore"]),

        .testTarget(name: "IAAEditsTests", dependencies: ["IAAEdits", "IAAImaging", "IAACore"]),
        .testTarget(name: "IAAAssessmentTests", dependencies: ["IAAAssessment", "IAAImaging", "IAACore"]),
        .testTarget(name: "IAAQualityTests", dependencies: ["IAAModels", "IAAImaging", "IAACore"]),
        .testTarget(name: "IAAThemeTests", dependencies: ["IAAModels", "IAAImaging", "IAACore", "IAATestSupport"]),
    ]
)
