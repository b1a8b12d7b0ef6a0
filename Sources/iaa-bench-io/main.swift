// iaa-bench-io: times the project's load→save path and reports peak memory. Driven by
// Tools/bench-io.sh, which runs `vips copy` on the same file in the same run as the baseline.
//
// usage: iaa-bench-io render IN OUT [repeats]   full-resolution load → save (JPEG Q92)
//        iaa-bench-io proxy IN LONGSIDE [repeats]   analysis proxy decode
import Foundation
import IAAImaging

func peakRSSMiB() -> Double {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return Double(usage.ru_maxrss) / 1024  // Linux reports KiB
}

let args = CommandLine.arguments
guard args.count >= 4 else {
    FileHandle.standardError.write(Data("usage: iaa-bench-io render IN OUT [repeats] | proxy IN LONGSIDE [repeats]\n".utf8))
    exit(2)
}
let repeats = args.count > 4 ? Int(args[4]) ?? 3 : 3
var times: [Double] = []
do {
    for _ in 0..<repeats {
        let t0 = DispatchTime.now().uptimeNanoseconds
        switch args[1] {
        case "render":
            try Photo(path: args[2]).picture().save(to: args[3])
        case "proxy":
            _ = try Photo(path: args[2]).proxy(longSide: Int(args[3]) ?? 1024)
        default:
            exit(2)
        }
        times.append(Double(DispatchTime.now().uptimeNanoseconds - t0) / 1e9)
    }
} catch {
    FileHandle.standardError.write(Data("iaa-bench-io: \(error)\n".utf8))
    exit(1)
}
times.sort()
print(String(format: "median_s=%.4f min_s=%.4f peak_rss_mib=%.1f", times[times.count / 2], times[0], peakRSSMiB()))
