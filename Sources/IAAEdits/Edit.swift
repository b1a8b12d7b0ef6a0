import IAACore
import IAAImaging

/// The edits, in canonical application order (`allCases` order is the order, and it is part
/// of the recipe format "iaa-recipe/1"). Why this order:
/// 1. Geometry first (straighten, then crop): it only moves pixels, and every later edit
///    should see exactly the pixels that will be kept (a crop changes what "the image's
///    highlights" are; sharpening radii scale with the final size). Straighten before crop so
///    the crop box is chosen on the levelled frame.
/// 2. Exposure, then white balance: both are linear operations on scene light (scRGB), as a
///    camera applies them; exposure scales, white balance adapts the white point.
/// 3. Tone: the lightness curve shapes the exposed, neutralised image.
/// 4. Colour (vibrance, saturation) after tone, because tone changes chroma perception and
///    vibrance weights pixels by their chroma as finally toned.
/// 5. Look: creative grading goes on top of a corrected image, as in every raw editor.
/// 6. Denoise, then sharpen last: denoising after the tonal edits sees the noise as it will
///    be displayed; sharpening last so it does not amplify noise or get undone by later
///    resampling, and is not re-coloured by later edits.
public enum EditKind: String, Sendable, Hashable, Codable, CaseIterable, Comparable {
    case straighten, crop, exposure, whiteBalance, tone, colour, look, denoise, sharpen

    /// The value type implementing this edit.
    public var type: any Edit.Type {
        switch self {
        case .straighten: StraightenEdit.self
        case .crop: CropEdit.self
        case .exposure: ExposureEdit.self
        case .whiteBalance: WhiteBalanceEdit.self
        case .tone: ToneEdit.self
        case .colour: ColourEdit.self
        case .look: LookEdit.self
        case .denoise: DenoiseEdit.self
        case .sharpen: SharpenEdit.self
        }
    }

    /// Position in the canonical order.
    public var position: Int { Self.allCases.firstIndex(of: self)! }

    /// What an edit does to pixels, which decides how a chain is rendered.
    public enum Stage: Sendable, Hashable {
        /// Moves pixels (straighten, crop): works on the native image.
        case geometry
        /// Each output pixel depends on the same input pixel only (exposure … look): the run
        /// of them, with the colour management around it, becomes one colour table.
        case point
        /// Reads a neighbourhood (denoise, sharpen).
        case detail
    }

    /// The stage of this edit; the canonical order keeps each stage contiguous.
    public var stage: Stage {
        switch self {
        case .straighten, .crop: .geometry
        case .exposure, .whiteBalance, .tone, .colour, .look: .point
        case .denoise, .sharpen: .detail
        }
    }

    public static func < (a: EditKind, b: EditKind) -> Bool { a.position < b.position }
}

/// What an edit may need besides its parameters.
public struct EditContext: Sendable {
    /// Colour-grading looks, by id (for `LookEdit`).
    public var looks: LookLibrary
    /// Pixels of the image being edited per pixel of the photo the edit is for: 1 for the
    /// photo itself and its 1:1 windows, below 1 for a proxy. Edits whose radii are fixed in
    /// photo pixels (denoise: sensor grain is about one pixel at any resolution) scale them by
    /// it, so that a proxy of the edited photo and the edited proxy look alike.
    public var detailScale: Double

    public init(looks: LookLibrary, detailScale: Double = 1) {
        self.looks = looks
        self.detailScale = min(1, max(0.01, detailScale))
    }
}

/// One edit: a value type with a nested `Params` (its whole state), a parameter table that
/// describes every numeric field once, an explicit identity, and a libvips implementation on
/// `EditImage` (Nuke's processor, darktable's iop).
public protocol Edit: Sendable, Hashable {
    associatedtype Params: Codable, Hashable, Sendable
    /// Which edit this is (its id in recipes and its place in the order).
    static var kind: EditKind { get }
    /// One line for help text.
    static var summary: String { get }
    /// The colour space the operation works in (documentation).
    static var workingSpace: String { get }
    /// Every numeric field of `Params`: unit, range, default, description.
    static var parameters: [NumberParameter<Params>] { get }
    /// Parameters that change no pixel.
    static var identity: Params { get }

    var params: Params { get set }
    init(_ params: Params)

    /// Names of non-numeric optional fields of `Params` (absent from the identity's JSON).
    static var extraFieldNames: [String] { get }
    /// Checks relations between fields the table cannot express (defaults to none).
    static func validateRelations(_ params: Params) throws
    /// Whether these parameters leave every pixel unchanged (defaults to `== identity`).
    var isIdentity: Bool { get }
    /// Builds the operation on `image`; called only for validated, non-identity params.
    func apply(to image: EditImage, context: EditContext) throws -> EditImage
}

extension Edit {
    public static func validateRelations(_ params: Params) throws {}
    public static var extraFieldNames: [String] { [] }
    public var isIdentity: Bool { params == Self.identity }

    /// Range checks from the table, then the relations.
    public func validate() throws {
        for p in Self.parameters { try p.validate(params, edit: Self.kind.rawValue) }
        try Self.validateRelations(params)
    }

    /// The parameters with every number rounded as the canonical encoding writes it, so that
    /// what is rendered is exactly what the recipe says.
    public var canonicalized: Self {
        var p = params
        for spec in Self.parameters { p[keyPath: spec.keyPath] = CanonicalJSON.rounded(p[keyPath: spec.keyPath]) }
        return Self(p)
    }

    /// The parameter table without the `Params` type.
    public static var parameterInfo: [ParameterInfo] { parameters.map { $0.info(edit: kind.rawValue) } }

    /// `params` as a JSON object.
    public func jsonParams() throws -> JSONValue { try JSONValue(encoding: params) }

    /// Reads params from a JSON object: missing numeric fields take their defaults, unknown
    /// fields are refused, then the values are validated.
    public static func decode(_ json: JSONValue) throws -> Self {
        guard case .object(var fields) = json else {
            throw IAAError(.invalidArgument, path: nil, "Expected an object of parameters for \(kind.rawValue)")
        }
        let identityFields = (try JSONValue(encoding: identity)).object ?? [:]
        let known = Set(parameters.map(\.name)).union(identityFields.keys).union(extraFieldNames)
        for key in fields.keys.sorted() where !known.contains(key) {
            throw IAAError(.invalidArgument, path: nil,
                           "Unknown parameter \(kind.rawValue).\(key) (known: \(known.sorted().joined(separator: ", ")))")
        }
        for (k, v) in identityFields where fields[k] == nil { fields[k] = v }
        for spec in parameters {
            if let v = fields[spec.name], v.number == nil {
                throw IAAError(.invalidArgument, path: nil, "Expected a number for \(kind.rawValue).\(spec.name)")
            }
        }
        let params: Params
        do { params = try JSONValue.object(fields).decode(Params.self) } catch {
            throw IAAError(.invalidArgument, path: nil, "Invalid parameters for \(kind.rawValue) (\(error))")
        }
        let edit = Self(params)
        try edit.validate()
        return edit.canonicalized
    }

}

/// Any edit, type-erased, with equality and hashing by kind and canonical parameters.
public struct AnyEdit: Sendable, Hashable, CustomStringConvertible {
    public let base: any Edit

    public init(_ base: any Edit) { self.base = base }

    public var kind: EditKind { type(of: base).kind }
    public var isIdentity: Bool { base.isIdentity }

    /// `{"ev":0.5}` — the canonical JSON of the parameters.
    public var canonicalParams: String { CanonicalJSON.encode(paramsJSON) }

    var paramsJSON: JSONValue { (try? base.jsonParams()) ?? .null }

    public func apply(to image: EditImage, context: EditContext) throws -> EditImage {
        try base.apply(to: image, context: context)
    }

    public static func == (a: AnyEdit, b: AnyEdit) -> Bool {
        a.kind == b.kind && a.canonicalParams == b.canonicalParams
    }

    public func hash(into h: inout Hasher) {
        h.combine(kind)
        h.combine(canonicalParams)
    }

    public var description: String { "\(kind.rawValue)\(canonicalParams)" }
}

extension EditKind {
    /// Help text for every edit and parameter, in canonical order, from the parameter tables:
    ///
    ///     exposure — Brighten or darken in linear light (multiply by 2^EV). [scRGB …]
    ///       exposure.ev [EV] -3 … 3 (default 0): Exposure change in stops; …
    public static var helpText: String {
        allCases.map { kind in
            let t = kind.type
            var lines = ["\(kind.rawValue) — \(t.summary) [\(t.workingSpace)]"]
            lines += t.parameterInfo.map {
                "  \($0.id) [\($0.unit)] \(CanonicalJSON.format($0.min)) … \(CanonicalJSON.format($0.max)) (default \(CanonicalJSON.format($0.defaultValue))): \($0.description)"
            }
            if kind == .look { lines.append("  look.look [id] a look from Presets/looks (default: none)") }
            return lines.joined(separator: "\n")
        }.joined(separator: "\n")
    }
}
