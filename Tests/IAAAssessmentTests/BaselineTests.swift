import Foundation
import IAAAssessment
import IAACore
import XCTest

/// On the untouched fixture photos most levels must read normal (or better, on the one-sided
/// scales). Prints every result so calibration can be reviewed in the test log.
final class BaselineTests: XCTestCase {
    func testUntouchedPhotosMostlyNormal() throws {
        let photos = try Fixtures.photos()
        let assessor = Assessor(factors: Assessor.classicalFactors(visuals: false))
        var faults: [String: Int] = [:], total: [String: Int] = [:]
        var distribution: [String: [Int: Int]] = [:]
        var log = ""
        func print(_ s: String) { log += s + "\n" }
        for (name, img) in photos {
            let a = assessor.assess(AnalysisContext(image: img))
            print("== \(name)")
            for r in a.results {
                let m = r.measurements.map { "\($0.name)=\(String(format: "%.3f", $0.value))" }.joined(separator: " ")
                print("  " + r.id.padding(toLength: 14, withPad: " ", startingAt: 0) + String(format: " raw %8.3f score %4.1f level ", r.raw, r.score) + (r.level.map { "\($0.value)" } ?? "-") + "  " + m)
                print("    \(r.explanation.english)\n    \(r.explanation.chinese)")
                if let l = r.level {
                    total[l.attribute.rawValue, default: 0] += 1
                    if l.isFault { faults[l.attribute.rawValue, default: 0] += 1 }
                    distribution[l.attribute.rawValue, default: [:]][l.value, default: 0] += 1
                }
            }
            XCTAssertEqual(Set(a.levels.keys).count, a.results.compactMap(\.level).count)
        }
        print("level distribution on \(photos.count) untouched photos:")
        for (attr, d) in distribution.sorted(by: { $0.key < $1.key }) {
            print("  \(attr.padding(toLength: 15, withPad: " ", startingAt: 0)) " + d.sorted { $0.key < $1.key }.map { "\($0.key):\($0.value)" }.joined(separator: "  "))
        }
        FileHandle.standardError.write(Data(log.utf8))
        let allFaults = faults.values.reduce(0, +), all = total.values.reduce(0, +)
        // A sensible majority: at least 75 % of all levels normal, and no attribute faulted on
        // more than half of these good photos.
        XCTAssertLessThanOrEqual(Double(allFaults), 0.25 * Double(all), "faults \(faults)")
        for (attr, n) in faults { XCTAssertLessThanOrEqual(n, photos.count / 2, "\(attr) faulted on \(n) untouched photos") }
    }
}
