// swift-tools-version:6.0
// iaa-enhance: photo aesthetics assessment, enhancement with an aesthetic judge, and
// ITU-T F.740.4 metadata. Module graph (one-way):
//
//   CVips/CVipsShim ─▶ IAAImaging ─┐
//   COpenBLAS ─▶ IAANeural ─▶ IAAModels ─▶ IAAAssessment ─▶ IAACLI ─▶ iaa-enhance
//   CExif ─▶ IAAMetadata ──────────────────────────────────┘
//   IAACore (pixel buffers, errors, hashing) sits under all of them.
import PackageDescription

let package = Package(
    name: "iaa-enhance",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "iaa-enhance", targets: ["iaa-enhance"]),
        .library(name: "IAAImaging", targets: ["IAAImaging"]),
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

        .target(name: "IAACore"),
        .target(name: "IAAImaging", dependencies: ["IAACore", "CVips", "CVipsShim", "CExif"]),
        // Inference engine (NCHW, OpenBLAS sgemm) and the ported models on top of it.
        // Optimised even in debug builds: the kernels are ~50× slower unoptimised, which would
        // make every test that runs a network take minutes.
        .target(name: "IAANeural", dependencies: ["IAACore", "COpenBLAS"],
                swiftSettings: [.unsafeFlags(["-O"])]),
        .target(name: "IAAModels", dependencies: ["IAANeural", "IAACore"]),
        .target(name: "IAACLI", dependencies: [
            "IAACore", "IAAImaging",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "iaa-enhance", dependencies: ["IAACLI"]),
        // Benchmark drivers (Tools/bench-*.sh); not installed, not part of the product.
        .executableTarget(name: "iaa-bench-io", dependencies: ["IAAImaging"]),
        // Release-only benchmark of IAANeural/IAAModels (run by Tools/bench-neural.sh).
        .executableTarget(name: "iaa-bench-neural", dependencies: ["IAAModels", "IAANeural", "IAAImaging", "IAACore"]),

        .testTarget(name: "IAACoreTests", dependencies: ["IAACore"]),
        .testTarget(name: "IAAImagingTests", dependencies: ["IAAImaging", "IAACore"]),
        .testTarget(name: "IAACLITests", dependencies: ["IAACLI", "IAACore", "iaa-enhance"]),
        .testTarget(name: "IAANeuralTests", dependencies: ["IAANeural", "IAACore"]),
        .testTarget(name: "IAAModelsTests", dependencies: ["IAAModels", "IAANeural", "IAACore", "IAAImaging"]),
        .testTarget(name: "IAAThemeTests", dependencies: ["IAAModels", "IAAImaging", "IAACore"]),
    ]
)
