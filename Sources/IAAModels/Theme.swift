// The photo's theme (issue 4: what a good edit is depends on what the photo is of — TANet's
// point, Li et al. 2023). Derived from EfficientNet-Lite0's ImageNet-1k probabilities, from
// YuNet's faces (portrait) and from luminance statistics (night), with a documented table
// mapping each ImageNet class to a theme.
import IAACore

/// What a photo is of, as far as editing choices are concerned.
public enum PhotoTheme: String, Sendable, Codable, CaseIterable {
    /// People are the subject (decided from faces; ImageNet has no face classes).
    case portrait
    /// Open scenery: mountains, coasts, valleys, fields.
    case landscape
    /// Dishes, fruit, vegetables, drinks, food shops.
    case food
    /// Mammals, birds, fish, reptiles, amphibians, invertebrates (ImageNet classes 0–397).
    case animal
    /// Flowers, fungi, crops, plants.
    case plant
    /// Buildings, monuments, bridges, roofs.
    case architecture
    /// Cars, trains, boats, aircraft, bicycles.
    case vehicle
    /// Any other thing: the catch-all of the remaining ImageNet classes (still life, products).
    case object
    /// Taken in the dark (decided from luminance statistics, not classes).
    case night
}

/// Faces found in the photo (from `YuNet.detect`), the evidence for `.portrait`.
public struct FaceEvidence: Sendable, Equatable {
    /// Number of faces.
    public let count: Int
    /// Sum of the face boxes' areas over the image area, 0…1.
    public let areaFraction: Double

    public init(count: Int, areaFraction: Double) {
        self.count = count
        self.areaFraction = areaFraction
    }

    /// Summarises YuNet faces detected in an image of `width`×`height` pixels.
    public init(faces: [Face], width: Int, height: Int) {
        count = faces.count
        let area = faces.reduce(0.0) { $0 + max(0, $1.width) * max(0, $1.height) }
        areaFraction = min(1, area / Double(max(1, width * height)))
    }
}

/// Brightness statistics of the photo, the evidence for `.night`.
public struct LuminanceEvidence: Sendable, Equatable {
    /// Mean luma Y′ = 0.2126 R′ + 0.7152 G′ + 0.0722 B′ of the sRGB-encoded values, 0…1.
    public let meanLuma: Double
    /// Fraction of pixels with Y′ < `LuminanceEvidence.darkLuma`, 0…1.
    public let darkFraction: Double

    /// Luma below which a pixel counts as dark (≈ 10 % of the 8-bit range).
    public static let darkLuma = 0.1

    public init(meanLuma: Double, darkFraction: Double) {
        self.meanLuma = meanLuma
        self.darkFraction = darkFraction
    }

    /// Measures `image` (every pixel; a 768-pixel proxy is plenty).
    public init(image: RGBImage) {
        var sum = 0.0
        var dark = 0
        let threshold = Self.darkLuma * 255
        image.pixels.withUnsafeBufferPointer { p in
            for i in 0..<image.pixelCount {
                let y = 0.2126 * Double(p[3 * i]) + 0.7152 * Double(p[3 * i + 1]) + 0.0722 * Double(p[3 * i + 2])
                sum += y
                if y < threshold { dark += 1 }
            }
        }
        let n = Double(max(1, image.pixelCount))
        meanLuma = sum / n / 255
        darkFraction = Double(dark) / n
    }
}

/// An ImageNet label with the theme the table assigns to its class.
public struct ThemedLabel: Sendable, Equatable {
    public let label: ImageNetLabel
    public let theme: PhotoTheme
}

/// The decided theme and what led to it.
public struct ThemeResult: Sendable, Equatable {
    /// What decided the theme.
    public enum Basis: String, Sendable, Codable {
        /// Faces covering enough of the frame (see `ThemeClassifier.portraitAreaFraction`).
        case faces
        /// A dark image (see `ThemeClassifier.nightMeanLuma`).
        case luminance
        /// The ImageNet probability mass per theme.
        case classes
    }

    public let theme: PhotoTheme
    /// 0…1. For `.classes`: the summed probability of the theme's ImageNet classes; for
    /// `.faces` and `.luminance`: how far the evidence is past its threshold (0.5 at the threshold).
    public let confidence: Double
    public let basis: Basis
    /// Summed ImageNet probability per theme (`.portrait` holds the three person classes;
    /// `.night` is never a class theme). Sums to 1.
    public let classMass: [PhotoTheme: Double]
    /// The most probable ImageNet classes overall (up to 5), with their themes.
    public let topLabels: [ThemedLabel]
    /// The most probable ImageNet classes of the decided theme (up to 3; empty for `.night`,
    /// and for `.portrait` unless a person class scored).
    public let evidence: [ThemedLabel]
}

/// Decides a photo's theme from EfficientNet-Lite0 probabilities plus optional face and
/// luminance evidence. Rules, in order:
/// 1. portrait — faces cover ≥ `portraitAreaFraction` of the frame (all faces together), or
///    ≥ 3 faces cover ≥ `groupAreaFraction` (a group photo);
/// 2. night — mean luma < `nightMeanLuma` and ≥ `nightDarkFraction` of the pixels are dark;
/// 3. otherwise the theme whose ImageNet classes (table `ThemeClassifier.table`) hold the most
///    probability; every class not in the table counts as `.object`.
public enum ThemeClassifier {
    /// Face area (sum over faces / image area) from which a photo is a portrait.
    public static let portraitAreaFraction = 0.01
    /// Face area from which three or more faces make a group portrait.
    public static let groupAreaFraction = 0.004
    /// Mean luma (0…1) below which a photo can be a night shot.
    public static let nightMeanLuma = 0.18
    /// Fraction of dark pixels a night shot must also have.
    public static let nightDarkFraction = 0.5

    /// ImageNet-1k class indices of each theme (names from Weights/imagenet_classes.txt).
    /// Classes not listed are `.object`.
    public static let table: [PhotoTheme: [Int]] = [
        // 0–397: fish, birds, amphibians, reptiles, mammals, invertebrates.
        .animal: Array(0...397),
        // ballplayer, groom, scuba diver: the only ImageNet classes that are people.
        .portrait: [981, 982, 983],
        .landscape: [
            970, 972, 973, 974, 975, 976, 977, 978, 979, 980,  // alp, cliff, coral reef, geyser, lakeside, promontory, sandbar, seashore, valley, volcano
            984, 958,                                          // rapeseed (field), hay
            460, 718, 536, 672, 912,                           // breakwater, pier, dock, mountain tent, worm fence
        ],
        .food: Array(923...957) + Array(959...969) + [         // plate … pomegranate, carbonara … eggnog
            809, 659, 567, 909, 544, 521, 766,                 // soup bowl, mixing bowl, frying pan, wok, Dutch oven, Crock Pot, rotisserie
            762, 415, 467, 582, 509, 532,                      // restaurant, bakery, butcher shop, grocery store, confectionery, dining table
        ],
        .plant: [
            985, 986, 987, 988, 989, 990, 998,                 // daisy, yellow lady's slipper, corn, acorn, hip, buckeye, ear
            991, 992, 993, 994, 995, 996, 997,                 // coral fungus, agaric, gyromitra, stinkhorn, earthstar, hen-of-the-woods, bolete
            580, 738,                                          // greenhouse, pot (flowerpot)
        ],
        .architecture: [
            406, 425, 437, 442, 449, 458, 483, 497, 498, 500,  // altar, barn, beacon, bell cote, boathouse, brass, castle, church, cinema, cliff dwelling
            525, 538, 562, 624, 634, 649, 660, 663, 668, 682,  // dam, dome, fountain, library, lumbermill, megalith, mobile home, monastery, mosque, obelisk
            698, 706, 727, 743, 821, 832, 839, 853, 858, 863,  // palace, patio, planetarium, prison, steel arch bridge, stupa, suspension bridge, thatch, tile roof, totem pole
            873, 884, 888, 900, 915, 421,                      // triumphal arch, vault, viaduct, water tower, yurt, bannister
        ],
        .vehicle: [
            403, 404, 405, 407, 408, 436, 444, 450, 466, 468,  // aircraft carrier, airliner, airship, ambulance, amphibian, beach wagon, bicycle-built-for-two, bobsled, bullet train, cab
            472, 475, 479, 484, 510, 511, 535, 537, 547, 554,  // canoe, car mirror, car wheel, catamaran, container ship, convertible, disk brake, dogsled, electric locomotive, fireboat
            555, 561, 565, 569, 573, 575, 576, 581, 586, 595,  // fire engine, forklift, freight car, garbage truck, go-kart, golfcart, gondola, grille, half track, harvester
            603, 609, 612, 625, 627, 628, 654, 656, 661, 665,  // horse cart, jeep, jinrikisha, lifeboat, limousine, liner, minibus, minivan, Model T, moped
            670, 671, 675, 690, 705, 717, 734, 751, 757, 779,  // motor scooter, mountain bike, moving van, oxcart, passenger car, pickup, police van, racer, recreational vehicle, school bus
            780, 802, 803, 812, 814, 817, 820, 829, 833, 847,  // schooner, snowmobile, snowplow, space shuttle, speedboat, sports car, steam locomotive, streetcar, submarine, tank
            864, 866, 867, 870, 871, 874, 880, 895, 908, 913,  // tow truck, tractor, trailer truck, tricycle, trimaran, trolleybus, unicycle, warplane, wing, wreck
            914,                                               // yawl
        ],
    ]

    /// Theme of each of the 1000 classes (built from `table`; unlisted classes are `.object`).
    public static let classTheme: [PhotoTheme] = {
        var t = [PhotoTheme](repeating: .object, count: 1000)
        for (theme, indices) in table { for i in indices { t[i] = theme } }
        return t
    }()

    /// Decides the theme from EfficientNet-Lite0 `probabilities` (1000 values) and optional
    /// evidence; `classes` names the labels.
    public static func decide(probabilities p: [Float], classes: ImageNetClasses,
                              faces: FaceEvidence? = nil, luminance: LuminanceEvidence? = nil) -> ThemeResult {
        precondition(p.count == 1000, "ThemeClassifier: 1000 ImageNet probabilities expected")
        var mass: [PhotoTheme: Double] = [:]
        for theme in PhotoTheme.allCases where theme != .night { mass[theme] = 0 }
        for (i, v) in p.enumerated() { mass[classTheme[i], default: 0] += Double(v) }
        let order = p.indices.sorted { p[$0] > p[$1] || (p[$0] == p[$1] && $0 < $1) }
        func themed(_ i: Int) -> ThemedLabel {
            ThemedLabel(label: ImageNetLabel(index: i, name: classes.names[i], probability: Double(p[i])), theme: classTheme[i])
        }
        let top = order.prefix(5).map(themed)
        func evidence(_ theme: PhotoTheme) -> [ThemedLabel] {
            Array(order.lazy.filter { classTheme[$0] == theme && p[$0] >= 0.005 }.prefix(3).map(themed))
        }

        if let f = faces, f.count > 0 {
            let needed = f.count >= 3 ? groupAreaFraction : portraitAreaFraction
            if f.areaFraction >= needed {
                return ThemeResult(theme: .portrait, confidence: pastThreshold(f.areaFraction, needed, saturation: 4 * needed),
                                   basis: .faces, classMass: mass, topLabels: top, evidence: evidence(.portrait))
            }
        }
        if let l = luminance, l.meanLuma < nightMeanLuma, l.darkFraction >= nightDarkFraction {
            // Darker mean → more confident: 0.5 at the threshold, 1 at black.
            let c = 0.5 + 0.5 * (nightMeanLuma - l.meanLuma) / nightMeanLuma
            return ThemeResult(theme: .night, confidence: c, basis: .luminance, classMass: mass, topLabels: top, evidence: [])
        }
        let best = PhotoTheme.allCases.filter { $0 != .night }.max { (mass[$0] ?? 0) < (mass[$1] ?? 0) }!
        return ThemeResult(theme: best, confidence: mass[best] ?? 0, basis: .classes, classMass: mass,
                           topLabels: top, evidence: evidence(best))
    }

    /// 0.5 at `threshold`, rising linearly to 1 at `saturation`.
    private static func pastThreshold(_ v: Double, _ threshold: Double, saturation: Double) -> Double {
        min(1, 0.5 + 0.5 * (v - threshold) / (saturation - threshold))
    }
}

extension EfficientNetLite0 {
    /// The theme of `image` (any size; prepared with `prepare(_:)`), optionally using faces
    /// (from `YuNet.detect` on the same photo) and luminance statistics.
    public func theme(of image: RGBImage, faces: FaceEvidence? = nil, luminance: LuminanceEvidence? = nil) -> ThemeResult {
        ThemeClassifier.decide(probabilities: probabilities([image])[0], classes: classes, faces: faces, luminance: luminance)
    }
}
