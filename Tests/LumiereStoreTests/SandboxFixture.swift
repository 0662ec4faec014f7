// SandboxFixture: builds source databases for the sandbox tests, shaped like ingest's
// output — a table `data` typed from the CSV, plus a `lumiere_meta` table no query may read.
//
// Inputs: a temporary directory and how many generated rows to add. Outputs: the path of
// a closed SQLite file. The 15 rows are /work/shared/samples/test_sales_data.csv, copied
// here so the tests carry their own fixture.

import Foundation
@testable import LumiereStore

enum SandboxFixture {
    static let columns = ["Date", "Product", "Sales", "Region", "Category", "Price", "Quantity", "Customer_Type"]

    /// test_sales_data.csv, row for row.
    static let salesRows = """
        ('2024-01-05','Widget A',300.00,'North','Electronics',25.00,12,'Retail'),
        ('2024-01-12','Gadget B',1200.00,'South','Electronics',40.00,30,'Wholesale'),
        ('2024-01-19','Tool C',360.00,'East','Hardware',120.00,3,'Retail'),
        ('2024-02-02','Widget A',375.00,'West','Electronics',25.00,15,'Retail'),
        ('2024-02-09','Tool C',2300.00,'South','Hardware',115.00,20,'Wholesale'),
        ('2024-02-16','Gadget B',336.00,'North','Electronics',42.00,8,'Retail'),
        ('2024-02-23','Widget A',500.00,'South','Electronics',25.00,20,'Retail'),
        ('2024-03-01','Tool C',480.00,'West','Hardware',120.00,4,'Retail'),
        ('2024-03-08','Gadget B',420.00,'East','Electronics',42.00,10,'Retail'),
        ('2024-03-15','Widget A',900.00,'East','Electronics',22.50,40,'Wholesale'),
        ('2024-03-22','Tool C',600.00,'North','Hardware',120.00,5,'Retail'),
        ('2024-03-29','Gadget B',504.00,'South','Electronics',42.00,12,'Retail'),
        ('2024-04-05','Widget A',250.00,'North','Electronics',25.00,10,'Retail'),
        ('2024-04-12','Tool C',720.00,'South','Hardware',120.00,6,'Retail'),
        ('2024-04-19','Gadget B',950.00,'West','Electronics',38.00,25,'Wholesale')
        """

    /// Creates `source.sqlite` in `directory` with the 15 sample rows and `extraRows`
    /// generated ones, and returns its path.
    static func makeSource(in directory: URL, extraRows: Int = 0) throws -> String {
        let path = directory.appendingPathComponent("source.sqlite").path
        let connection = try SQLiteConnection(path: path, mode: .create)
        try connection.execute("""
            CREATE TABLE data(Date TEXT, Product TEXT, Sales REAL, Region TEXT, Category TEXT,
                              Price REAL, Quantity INTEGER, Customer_Type TEXT);
            CREATE TABLE lumiere_meta(key TEXT PRIMARY KEY, value TEXT);
            INSERT INTO lumiere_meta VALUES ('source', 'test_sales_data.csv');
            INSERT INTO data VALUES \(salesRows);
            """)
        if extraRows > 0 {
            try connection.execute("""
                WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(extraRows))
                INSERT INTO data
                SELECT date('2023-01-01', '+' || (i % 730) || ' days'), 'Product ' || (i % 50),
                       (i % 1000) * 1.5, 'Region ' || (i % 7), 'Category ' || (i % 5),
                       (i % 90) + 0.5, i % 40, CASE i % 2 WHEN 0 THEN 'Retail' ELSE 'Wholesale' END
                FROM n;
                """)
        }
        return path
    }
}

/// Runs `body` with a fresh temporary directory and removes it afterwards.
func withSandboxDirectory<T>(_ body: (URL) throws -> T) throws -> T {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("lumiere-sandbox-\(UUID().uuidString)", isDirectory: true)
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    return try body(directory)
}
