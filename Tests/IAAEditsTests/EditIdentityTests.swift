import IAACore
import IAAEdits
import IAAImaging
import XCTest

final class EditIdentityTests: XCTestCase {
    /// Every edit declares an identity that its own table agrees with, and that validates.
    func testIdentityMatchesTableDefaults() throws {
        for kind in EditKind.allCases {
            let t = kind.type
            XCTAssertFalse(t.parameterInfo.isEmpty, "\(kind) has no parameter table")
            let json = try identityJSON(t)
            for p in t.parameterInfo {
                let name = String(p.id.split(separator: ".")[1])
                XCTAssertEqual(json[name]?.number, p.defaultValue, "\(p.id): identity differs from the table default")
            }
        }
    }

    private func identityJSON<E: Edit>(_ t: E.Type) throws -> [String: JSONValue] {
        XCTAssertTrue(E(E.identity).isIdentity)
        try E(E.identity).validate()
        return try JSONValue(encoding: E.identity).object ?? [:]
    }

    /// A chain of every edit at identity is the empty chain and returns the proxy bit for bit.
    func testIdentityChainIsBitExact() throws {
        let identities: [any Edit] = EditKind.allCases.map { identityEdit($0.type) }
        let chain = try EditChain(identities)
        XCTAssertEqual(chain, EditChain.identity)
        XCTAssertEqual(chain.canonicalJSON, #"{"edits":{},"version":"iaa-recipe/1"}"#)
        for image in [syntheticImage(), try Fixtures.proxy()] {
            let out = try ChainRenderer(proxy: image, context: Fixtures.context()).render(chain)
            XCTAssertEqual(out, image)
        }
    }

    private func identityEdit<E: Edit>(_ t: E.Type) -> any Edit { E(E.identity) }

    /// Each edit's own libvips operation, run at identity parameters (the chain would skip
    /// it), changes no pixel: the scRGB/Lab/LCh/LabS round trips and the 65 536-entry LUTs
    /// are fine enough that 8-bit sRGB comes back bit for bit.
    func testEachOperationAtIdentityIsANoOp() throws {
        let context = try Fixtures.context()
        let images = [syntheticImage(), try Fixtures.proxy()]
        let ops: [any Edit] = [
            StraightenEdit(StraightenEdit.identity),
            CropEdit(CropEdit.identity),
            ExposureEdit(ExposureEdit.identity),
            WhiteBalanceEdit(WhiteBalanceEdit.identity),
            ToneEdit(ToneEdit.identity),
            ColourEdit(ColourEdit.identity),
            LookEdit(.init(look: "warm-fade", amount: 0)),
            DenoiseEdit(DenoiseEdit.identity),
            SharpenEdit(SharpenEdit.identity),
        ]
        for edit in ops {
            XCTAssertTrue(edit.isIdentity, "\(edit)")
            for image in images {
                let out = try applyDirectly(edit, on: image, context: context)
                XCTAssertEqual(out.width, image.width)
                XCTAssertEqual(out.height, image.height)
                XCTAssertEqual(maxAbsDiff(out, image), 0, "\(type(of: edit).kind) at identity changed pixels")
            }
        }
    }
}
