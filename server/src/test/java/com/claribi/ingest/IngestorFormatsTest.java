package com.claribi.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every format, from committed files shaped like real uploads, into a sandboxed workspace DuckDB. */
class IngestorFormatsTest {
    @TempDir
    Path folder;

    private DuckWorkspace workspace;
    private final Ingestor ingestor = new Ingestor(IngestLimits.defaults(), Clock.systemUTC());

    @BeforeEach
    void open() throws SQLException {
        workspace = new DuckWorkspace(folder);
    }

    @AfterEach
    void close() throws SQLException {
        workspace.close();
    }

    private Ingestor.Result ingest(String fixture, SourceFormat format, String name) throws Exception {
        return ingestor.ingest(workspace.connection, workspace.fixture(fixture), format, name);
    }

    private List<String> row(String sql) throws SQLException {
        return workspace.rows(sql).get(0);
    }

    private static ColumnProfile column(TableProfile table, String name) {
        return table.columns().stream()
                .filter(column -> column.name().equals(name))
                .findFirst()
                .orElseThrow();
    }

    @Test
    void excelExportWithTitleRowsAndTwoSheetsBecomesTwoTypedTables() throws Exception {
        Ingestor.Result result = ingest("sales_export.xlsx", SourceFormat.EXCEL, "sales");

        assertThat(result.tables())
                .extracting(LoadedTable::tableName, LoadedTable::sourceName, LoadedTable::rowCount)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("sales__orders_2024", "Orders 2024", 40L),
                        org.assertj.core.groups.Tuple.tuple("sales__regions", "Regions", 4L));
        assertThat(workspace.schema("sales__orders_2024"))
                .containsExactly(
                        "Order ID VARCHAR",
                        "Order Date DATE",
                        "Region VARCHAR",
                        "Product VARCHAR",
                        "Units BIGINT",
                        "Unit Price DOUBLE",
                        "Paid BOOLEAN");
        assertThat(
                        row(
                                "SELECT \"Order ID\", \"Order Date\", \"Units\", \"Paid\" FROM sales__orders_2024 WHERE \"Order ID\" = 'SO-1002'"))
                .containsExactly("SO-1002", "2024-01-03", "8", "true");
        assertThat(row("SELECT \"Manager\" FROM sales__regions WHERE \"Region\" = 'East'"))
                .containsExactly("Piotr Nowak");
        assertThat(workspace.tables()).doesNotContain("sales__empty");

        TableProfile orders = result.profile().tables().get(0);
        assertThat(column(orders, "Order ID").role()).isEqualTo(ColumnRole.IDENTIFIER);
        assertThat(column(orders, "Order Date").role()).isEqualTo(ColumnRole.TIME);
        assertThat(column(orders, "Region").role()).isEqualTo(ColumnRole.DIMENSION);
        assertThat(column(orders, "Region").distinctCount()).isEqualTo(4);
        assertThat(column(orders, "Units").role()).isEqualTo(ColumnRole.MEASURE);
        assertThat(column(orders, "Unit Price").hints()).contains(SemanticHint.CURRENCY);
        assertThat(column(orders, "Paid").hints()).contains(SemanticHint.BOOLEAN);
        assertThat(column(result.profile().tables().get(1), "Country").hints()).contains(SemanticHint.COUNTRY);
    }

    @Test
    void legacyXlsWithTitleRowKeepsDatesNumbersAndBooleans() throws Exception {
        Ingestor.Result result = ingest("legacy_budget.xls", SourceFormat.EXCEL, "budget");

        assertThat(result.tables())
                .extracting(LoadedTable::tableName)
                .containsExactly("budget__budget", "budget__owners");
        assertThat(workspace.schema("budget__budget"))
                .containsExactly(
                        "Month DATE", "Channel VARCHAR", "Planned BIGINT", "Actual DOUBLE", "Approved BOOLEAN");
        assertThat(row("SELECT * FROM budget__budget WHERE \"Month\" = DATE '2023-04-01'"))
                .containsExactly("2023-04-01", "Search", "1750", "1730.5", "false");
        assertThat(column(result.profile().tables().get(1), "Owner").hints()).contains(SemanticHint.EMAIL);
    }

    @Test
    void latin1CsvIsTranscodedToUtf8() throws Exception {
        Ingestor.Result result = ingest("customers_latin1.csv", SourceFormat.CSV, "customers");

        assertThat(workspace.schema("customers"))
                .containsExactly(
                        "customer_id BIGINT", "name VARCHAR", "city VARCHAR", "country VARCHAR", "revenue DOUBLE");
        assertThat(row("SELECT name, city FROM customers WHERE customer_id = 1"))
                .containsExactly("Jürgen Müller", "München");
        assertThat(row("SELECT city FROM customers WHERE customer_id = 4")).containsExactly("Göteborg");
        assertThat(workspace.folder.resolve("raw-customers_latin1.csv.utf8.tmp"))
                .doesNotExist();
        TableProfile table = result.profile().tables().get(0);
        assertThat(column(table, "customer_id").role()).isEqualTo(ColumnRole.IDENTIFIER);
        assertThat(column(table, "revenue").role()).isEqualTo(ColumnRole.MEASURE);
        assertThat(column(table, "revenue").hints()).contains(SemanticHint.CURRENCY);
        assertThat(column(table, "country").hints()).contains(SemanticHint.COUNTRY);
    }

    @Test
    void semicolonCsvWithDecimalCommasAndGermanDates() throws Exception {
        ingest("invoices_semicolon.csv", SourceFormat.CSV, "invoices");

        assertThat(workspace.schema("invoices"))
                .containsExactly(
                        "Rechnungsnummer VARCHAR", "Datum DATE", "Kunde VARCHAR", "Betrag DOUBLE", "Steuersatz DOUBLE");
        assertThat(row("SELECT Datum, Betrag, Steuersatz FROM invoices WHERE Rechnungsnummer = 'RE-2024-001'"))
                .containsExactly("2024-01-05", "1234.5", "19.0");
        assertThat(row("SELECT sum(Betrag) FROM invoices")).containsExactly("14275.15");
    }

    @Test
    void messyCsvWithBomQuotedNewlinesThousandsAndMixedDates() throws Exception {
        ingest("messy_export.csv", SourceFormat.CSV, "tickets");

        assertThat(workspace.schema("tickets"))
                .containsExactly("ticket VARCHAR", "opened DATE", "amount DOUBLE", "comment VARCHAR");
        assertThat(row("SELECT count(*) FROM tickets")).containsExactly("4");
        assertThat(row("SELECT opened, amount, comment FROM tickets WHERE ticket = 'T-1'"))
                .containsExactly("2024-03-01", "1250.0", "Customer called twice,\nthen emailed");
        assertThat(row("SELECT opened, amount FROM tickets WHERE ticket = 'T-2'"))
                .containsExactly("2024-03-15", "980.5");
        assertThat(row("SELECT comment FROM tickets WHERE ticket = 'T-3'")).containsExactly("quoted \"word\"");
    }

    @Test
    void ndjsonWithNestedObjectsFlattensAndKeepsArraysAsLists() throws Exception {
        Ingestor.Result result = ingest("events.ndjson", SourceFormat.JSON, "events");

        assertThat(workspace.schema("events"))
                .containsExactly(
                        "event_id BIGINT",
                        "ts TIMESTAMP",
                        "type VARCHAR",
                        "user.id VARCHAR",
                        "user.plan VARCHAR",
                        "tags VARCHAR[]");
        assertThat(row("SELECT \"user.plan\", tags[2], len(tags) FROM events WHERE event_id = 2"))
                .containsExactly("pro", "desktop", "2");
        assertThat(result.profile().rowCount()).isEqualTo(20);
        assertThat(column(result.profile().tables().get(0), "ts").role()).isEqualTo(ColumnRole.TIME);
    }

    @Test
    void objectWrappingAnArrayLoadsTheArrayWithDeepFlattening() throws Exception {
        Ingestor.Result result = ingest("orders_nested.json", SourceFormat.JSON, "orders");

        assertThat(workspace.schema("orders"))
                .containsExactly(
                        "id BIGINT",
                        "total DOUBLE",
                        "paid BOOLEAN",
                        "customer.name VARCHAR",
                        "customer.email VARCHAR",
                        "customer.address.city VARCHAR",
                        "customer.address.country VARCHAR",
                        "items STRUCT(sku VARCHAR, qty BIGINT)[]");
        assertThat(row("SELECT \"customer.address.city\", items[1].sku, len(items) FROM orders WHERE id = 1"))
                .containsExactly("London", "W-1", "2");
        TableProfile table = result.profile().tables().get(0);
        assertThat(column(table, "customer.email").hints()).contains(SemanticHint.EMAIL);
        assertThat(column(table, "items").topValues()).isEmpty();
    }

    @Test
    void tsvKeepsCommasInsideFields() throws Exception {
        ingest("inventory.tsv", SourceFormat.TSV, "inventory");

        assertThat(workspace.schema("inventory"))
                .containsExactly(
                        "sku VARCHAR",
                        "name VARCHAR",
                        "warehouse VARCHAR",
                        "on_hand BIGINT",
                        "reorder_level BIGINT",
                        "last_counted DATE");
        assertThat(row("SELECT name, on_hand FROM inventory WHERE sku = 'W-1'"))
                .containsExactly("Widget, large", "120");
    }

    @Test
    void plainTextBecomesATableOfLines() throws Exception {
        Ingestor.Result result = ingest("meeting_notes.txt", SourceFormat.TEXT, "notes");

        assertThat(workspace.schema("notes")).containsExactly("line_number BIGINT", "text VARCHAR");
        assertThat(row("SELECT count(*) FROM notes")).containsExactly("7");
        assertThat(row("SELECT text FROM notes WHERE line_number = 4"))
                .containsExactly("Revenue in March grew 12% over February.");
        assertThat(result.tables().get(0).sourceName()).isEqualTo("text");
    }

    @Test
    void delimitedTextFileBecomesARealTable() throws Exception {
        java.nio.file.Files.writeString(folder.resolve("export.txt"), "id|name|score\n1|ann|3.5\n2|bob|4\n");

        ingestor.ingest(workspace.connection, folder.resolve("export.txt"), SourceFormat.TEXT, "export");

        assertThat(workspace.schema("export")).containsExactly("id BIGINT", "name VARCHAR", "score DOUBLE");
    }

    @Test
    void pdfTableBecomesATypedTableAndTheTextATextTable() throws Exception {
        Ingestor.Result result = ingest("quarterly_report.pdf", SourceFormat.PDF, "report");

        assertThat(result.tables())
                .extracting(LoadedTable::tableName)
                .containsExactly("report__text", "report__table_1");
        assertThat(workspace.schema("report__table_1"))
                .containsExactly("Region VARCHAR", "Q1 BIGINT", "Q2 BIGINT", "Growth DOUBLE");
        assertThat(row("SELECT Q1, Q2, Growth FROM report__table_1 WHERE Region = 'West'"))
                .containsExactly("1105", "1090", "-1.4");
        assertThat(row("SELECT text FROM report__text WHERE line_number = 1"))
                .containsExactly("Quarterly Revenue Report");
        assertThat(workspace.rows("SELECT text FROM report__text").stream().map(each -> each.get(0)))
                .contains("Prepared by the finance team.");
    }

    @Test
    void profileSerialisesToJsonAndReadsBack() throws Exception {
        Ingestor.Result result = ingest("sales_export.xlsx", SourceFormat.EXCEL, "json_roundtrip");
        var mapper = com.claribi.platform.Json.mapper();

        String json = mapper.writeValueAsString(result.profile());
        DataSourceProfile back = mapper.readValue(json, DataSourceProfile.class);

        assertThat(back).isEqualTo(result.profile());
        assertThat(json).contains("\"role\":\"TIME\"", "\"topValues\"", "\"nullShare\"");
    }
}
