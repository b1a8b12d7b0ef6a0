import IAACore

/// One numeric parameter of an edit: the single place that states its name, unit, range,
/// default and meaning. Validation, CLI help, presets' search bounds and the canonical
/// encoding all read these tables (darktable's params-as-source-of-truth, libvips' argument
/// table).
public struct NumberParameter<Params>: Sendable {
    /// The field name, as written in recipes (`"ev"`); qualified names are `edit.name`.
    public let name: String
    /// Unit, for help text ("EV", "%", "mired", "°", "fraction of width").
    public let unit: String
    /// Smallest accepted value.
    public let min: Double
    /// Largest accepted value.
    public let max: Double
    /// The value at which the edit changes nothing (every default is the identity value).
    public let defaultValue: Double
    /// One sentence: what the parameter does and which direction is which.
    public let description: String
    /// Where the value lives in `Params`.
    public let keyPath: WritableKeyPath<Params, Double> & Sendable

    public init(_ name: String, unit: String, min: Double, max: Double, default defaultValue: Double,
                _ description: String, _ keyPath: WritableKeyPath<Params, Double> & Sendable) {
        precondition(min <= defaultValue && defaultValue <= max, "\(name): default outside its range")
        self.name = name
        self.unit = unit
        self.min = min
        self.max = max
        self.defaultValue = defaultValue
        self.description = description
        self.keyPath = keyPath
    }

    /// Checks `params` against the range; `edit` qualifies the name in the message.
    public func validate(_ params: Params, edit: String) throws {
        let v = params[keyPath: keyPath]
        guard v.isFinite, v >= min, v <= max else {
            throw IAAError(.invalidArgument, path: nil,
                           "Expected a number between \(CanonicalJSON.format(min)) and \(CanonicalJSON.format(max)) for \(edit).\(name) but received \(v.isFinite ? CanonicalJSON.format(v) : String(describing: v))")
        }
    }
}

/// A parameter described without its `Params` type, for tools that list every edit's table
/// (CLI help, the search space, preset validation).
public struct ParameterInfo: Sendable, Hashable, Codable {
    /// Qualified name, `edit.field`.
    public let id: String
    public let unit: String
    public let min: Double
    public let max: Double
    public let defaultValue: Double
    public let description: String

    public init(id: String, unit: String, min: Double, max: Double, defaultValue: Double, description: String) {
        self.id = id
        self.unit = unit
        self.min = min
        self.max = max
        self.defaultValue = defaultValue
        self.description = description
    }
}

extension NumberParameter {
    func info(edit: String) -> ParameterInfo {
        ParameterInfo(id: "\(edit).\(name)", unit: unit, min: min, max: max, defaultValue: defaultValue, description: description)
    }
}
