// SalesCSVGenerator: deterministic synthetic sales CSVs for the ingest benchmark.
//
// Inputs: a row count and a path. Outputs: the file (the same bytes for the same row
// count on every machine: a seeded SplitMix64, no Foundation formatting).
// Columns: Date, Product, Region, Category, Customer_Type, Price, Quantity, Sales; some
// product names contain a comma and are quoted, as real exports do.
// Failure modes: throws when the file cannot be written.

import Foundation

struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
}

enum SalesCSVGenerator {
    static let regions = ["North", "South", "East", "West"]
    static let categories = ["Electronics", "Hardware", "Garden", "Toys", "Office"]
    static let customerTypes = ["Retail", "Wholesale"]
    static let products: [String] = (1...60).map { i in
        i % 10 == 0 ? "\"Gadget \(i), Deluxe\"" : "Widget \(i)"
    }

    static func write(rows: Int, to path: String) throws {
        guard let file = fopen(path, "wb") else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        defer { fclose(file) }
        var rng = SplitMix64(state: 42)
        var out: [UInt8] = []
        out.reserveCapacity(1 << 20)
        out += Array("Date,Product,Region,Category,Customer_Type,Price,Quantity,Sales\n".utf8)
        func appendNumber(_ v: Int, width: Int = 0) {
            var digits: [UInt8] = []
            var x = v
            repeat { digits.append(UInt8(48 + x % 10)); x /= 10 } while x > 0
            while digits.count < width { digits.append(48) }
            out += digits.reversed()
        }
        func appendCents(_ cents: Int) {
            appendNumber(cents / 100)
            out.append(UInt8(ascii: "."))
            appendNumber(cents % 100, width: 2)
        }
        for _ in 0..<rows {
            let year = 2020 + rng.below(5), month = 1 + rng.below(12), day = 1 + rng.below(28)
            appendNumber(year); out.append(45); appendNumber(month, width: 2); out.append(45); appendNumber(day, width: 2)
            out.append(44); out += Array(products[rng.below(products.count)].utf8)
            out.append(44); out += Array(regions[rng.below(regions.count)].utf8)
            out.append(44); out += Array(categories[rng.below(categories.count)].utf8)
            out.append(44); out += Array(customerTypes[rng.below(2)].utf8)
            let priceCents = 500 + rng.below(20_000)
            let quantity = 1 + rng.below(50)
            out.append(44); appendCents(priceCents)
            out.append(44); appendNumber(quantity)
            out.append(44); appendCents(priceCents * quantity)
            out.append(10)
            if out.count >= 1 << 20 {
                fwrite(out, 1, out.count, file)
                out.removeAll(keepingCapacity: true)
            }
        }
        if fwrite(out, 1, out.count, file) != out.count || fflush(file) != 0 {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
    }
}
