// HeaderNames: turns a header row into column names SQLite can hold side by side.
//
// Inputs: the header fields (or nothing, for a file without a header, plus a count).
// Outputs: names kept as written but trimmed; blank → `column_N` (N is the 1-based
// position); duplicates get `_2`, `_3`, ... Comparison ignores ASCII case, because
// SQLite treats `Sales` and `sales` as the same column.
// Failure modes: none.

public enum HeaderNames {
    public static func make(from fields: [String]) -> [String] {
        var used = Set<String>()
        var names: [String] = []
        names.reserveCapacity(fields.count)
        for (index, raw) in fields.enumerated() {
            var base = raw.trimmingSpaces().replacingNUL()
            if base.isEmpty { base = "column_\(index + 1)" }
            var name = base
            var suffix = 2
            while used.contains(name.lowercased()) {
                name = "\(base)_\(suffix)"
                suffix += 1
            }
            used.insert(name.lowercased())
            names.append(name)
        }
        return names
    }

    /// `column_1` ... `column_N` for a file without a header row.
    public static func generic(count: Int) -> [String] {
        (0..<count).map { "column_\($0 + 1)" }
    }
}

extension String {
    func trimmingSpaces() -> String {
        let scalars = unicodeScalars
        var lo = scalars.startIndex
        var hi = scalars.endIndex
        while lo < hi && scalars[lo].properties.isWhitespace { lo = scalars.index(after: lo) }
        while hi > lo && scalars[scalars.index(before: hi)].properties.isWhitespace { hi = scalars.index(before: hi) }
        return String(scalars[lo..<hi])
    }

    /// SQLite identifiers cannot hold NUL.
    func replacingNUL() -> String {
        contains("\u{0}") ? String(unicodeScalars.filter { $0 != "\u{0}" }) : self
    }
}
