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
        // Classical technical-quality models (BRISQUE, NIQE); the neural ones join this module.
        // Optimized even in debug builds: its pixel loops use SIMD types, which run ~200× slower
        // unoptimized and would make every debug test run that scores an image take minutes.
        .target(name: "IAAModels", dependencies: ["IAACore"],
                swiftSettings: [.unsafeFlags(["-O"], .when(configuration: .debug))]),
        .target(name: "IAACLI", dependencies: [
            "IAACore", "IAAImaging",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "iaa-enhance", dependencies: ["IAACLI"]),
        // Release-mode timing of BRISQUE/NIQE against a libvips decode (Tools/bench-quality.sh).
        .executableTarget(name: "iaa-bench-quality", dependencies: ["IAAModels", "IAAImaging", "IAACore"]),

        .testTarget(name: "IAACoreTests", dependencies: ["IAACore"]),
        .testTarget(name: "IAAImagingTests", dependencies: ["IAAImaging", "IAACore"]),
        .testTarget(name: "IAACLITests", dependencies: ["IAACLI"]),
        .testTarget(name: "IAAQualityTests", dependencies: ["IAAModels", "IAAImaging", "IAACore"]),
    ]
)
