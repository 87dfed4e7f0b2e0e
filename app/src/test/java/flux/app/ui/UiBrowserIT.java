package flux.app.ui;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import flux.app.CapturingServer;
import flux.app.TestKeys;
import flux.app.TestServer;
import flux.app.records.RecordsContext;
import flux.app.wiring.FluxSchema;
import flux.dev.testing.FluxTestInfra;
import flux.dev.testing.TestKafka;
import flux.dev.testing.TestPostgres;
import flux.tenancy.Role;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web UI in a real browser (headless Chromium) against a server in keys mode with capture
 * running: signing in with a key, a row's timeline after API writes, a rolled-back attempt, a raw
 * SQL write and a console write, blame, a console query found in the audit log, a key change made
 * in the console in both keys' timelines (and blame following it), and another tenant's key refused the row. Screenshots of the main pages go to target/ui-screenshots.
 */
@ExtendWith(FluxTestInfra.class)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UiBrowserIT {
    private static final Path SHOTS = Path.of("target", "ui-screenshots");
    private final TestPostgres db;
    private final CapturingServer capturing;
    private final TestServer server;
    private final Browser browser;
    private final String acme;
    private final String globex;

    UiBrowserIT(TestPostgres pg, TestKafka kafka) throws Exception {
        db = pg.newDatabase("ui_browser");
        DataSource ds = db.dataSource();
        FluxSchema.install(ds);
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, plan text NOT NULL"
                    + " CHECK (plan IN ('free', 'pro', 'team')), tenant_id text NOT NULL)");
        }
        try (RecordsContext records = RecordsContext.start(ds)) {
            acme = TestKeys.rowTenantKey(records, "ui-acme", Role.ADMIN, "ui");
            globex = TestKeys.rowTenantKey(records, "ui-globex", Role.READ_WRITE, "ui");
        }
        capturing = CapturingServer.start(db, kafka, "ui_browser_it", "users", acme,
                Map.of("flux.observe.slow-threshold-ms", 0));
        server = capturing.server();
        browser = new Browser();
    }

    @AfterAll
    void stop() throws Exception {
        try {
            browser.close();
        } finally {
            capturing.close();
        }
    }

    @Test
    void theMainFlowsWorkInABrowser(@TempDir Path files) throws Exception {
        signIn(acme);
        assertThat(text(By.id("caller"))).contains("tenant ui-acme");
        assertThat(text(By.id("tables"))).contains("public.users");
        browser.screenshot(SHOTS.resolve("tables.png"));

        // API writes: an insert, an update, and an update that rolls back on the CHECK constraint.
        query("{\"table\":\"users\",\"operation\":\"insert\",\"data\":{\"id\":42,\"email\":\"a@b.com\",\"plan\":\"free\"}}");
        query("{\"table\":\"users\",\"operation\":\"update\",\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":42}],"
                + "\"data\":{\"plan\":\"pro\"}}");
        HttpResponse<String> refused = server.post("/v1/query", "{\"table\":\"users\",\"operation\":\"update\","
                + "\"filters\":[{\"column\":\"id\",\"op\":\"eq\",\"value\":42}],\"data\":{\"plan\":\"gold\"}}",
                "Authorization", "Bearer " + acme);
        assertThat(refused.statusCode()).isEqualTo(409);
        // A raw SQL write that bypasses the API, found by capture.
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("UPDATE users SET email = 'raw@b.com' WHERE id = 42");
        }
        // A console write in the browser.
        open("/ui/console");
        runConsole("UPDATE users SET plan = 'team' WHERE id = 42");
        String consoleRequest = text(By.id("console-request"));

        open("/ui/tables/users");
        browser.driver.findElement(By.cssSelector("#rows a.timeline")).click();
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            browser.driver.navigate().refresh();
            List<WebElement> changes = browser.driver.findElements(By.cssSelector("#timeline li.change"));
            assertThat(changes).extracting(e -> e.getAttribute("data-operation") + "/" + e.getAttribute("data-source"))
                    .containsExactly("INSERT/api", "UPDATE/api", "UPDATE/api", "UPDATE/wal", "UPDATE/console");
        });
        WebElement rolledBack = browser.driver.findElements(By.cssSelector("#timeline li.change")).get(2);
        assertThat(rolledBack.getAttribute("class")).contains("rolled-back");
        assertThat(rolledBack.getText()).contains("rolled back", "23514", "pro", "gold");
        assertThat(browser.driver.findElements(By.cssSelector("#timeline li.change")).get(3).getText())
                .contains("a@b.com", "raw@b.com");
        WebElement plan = browser.driver.findElement(By.cssSelector("#blame tr[data-column='plan']"));
        assertThat(plan.getText()).contains("team");
        assertThat(plan.findElement(By.tagName("a")).getAttribute("title")).isEqualTo(consoleRequest);
        browser.screenshot(SHOTS.resolve("row-timeline.png"));

        // The request page of the console's write.
        plan.findElement(By.tagName("a")).click();
        assertThat(text(By.id("request-id"))).isEqualTo(consoleRequest);
        assertThat(text(By.id("timeline"))).contains("users 42", "console");
        browser.screenshot(SHOTS.resolve("request.png"));

        // A console query, found in the audit log.
        open("/ui/console");
        runConsole("SELECT id, email, plan FROM users ORDER BY id");
        assertThat(text(By.id("console-result"))).contains("raw@b.com", "team", "1 rows");
        assertThat(browser.driver.findElement(By.cssSelector("#audit-log tbody tr")).getText())
                .contains("SELECT id, email, plan FROM users ORDER BY id", "committed", "ui-acme");
        browser.screenshot(SHOTS.resolve("console.png"));

        open("/ui/capture");
        assertThat(text(By.id("capture-state"))).isEqualTo("STREAMING");
        browser.screenshot(SHOTS.resolve("capture.png"));
        open("/ui/observe");
        assertThat(browser.driver.getPageSource()).contains("Slow queries");
        browser.screenshot(SHOTS.resolve("observe.png"));
        // A failed CREATE INDEX CONCURRENTLY leaves an invalid index: the migrations page calls it dirty.
        try (Connection c = db.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE TABLE dup (x int)");
            st.execute("INSERT INTO dup VALUES (1), (1)");
            org.assertj.core.api.Assertions.assertThatThrownBy(
                    () -> st.execute("CREATE UNIQUE INDEX CONCURRENTLY dup_x ON dup (x)"))
                    .hasMessageContaining("could not create unique index");
        }
        open("/ui/migrations");
        assertThat(browser.driver.getPageSource()).contains("Ledger", "public.dup_x");
        assertThat(text(By.id("dirty"))).isEqualTo("1");
        // A version whose own-transaction file failed part-way is dirty in the ledger until repaired.
        java.nio.file.Files.writeString(files.resolve("90_jobs.up.sql"), """
                CREATE TABLE ui_jobs (id bigint PRIMARY KEY);
                BEGIN;
                INSERT INTO ui_missing VALUES (1);
                COMMIT;
                """);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new flux.migrate.Migrator(db.dataSource(),
                        flux.migrate.MigrationSettings.DEFAULTS).migrate(flux.migrate.MigrationFiles.directory(files, null),
                        false))
                .hasMessageContaining("dirty");
        open("/ui/migrations");
        assertThat(text(By.id("dirty"))).isEqualTo("2");
        assertThat(text(By.cssSelector(".dirty-version"))).contains("90_jobs.up.sql", "ui_missing", "flux db repair 90");
        browser.screenshot(SHOTS.resolve("migrations.png"));

        // A key change in the console: capture joins it into one UPDATE, the console's, that ends 42's
        // timeline and starts 43's, placed after everything before it.
        open("/ui/console");
        runConsole("UPDATE users SET id = 43 WHERE id = 42");
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().untilAsserted(() -> {
            open("/ui/rows/users/43");
            List<WebElement> changes = browser.driver.findElements(By.cssSelector("#timeline li.change"));
            assertThat(changes).extracting(e -> e.getAttribute("data-operation") + "/" + e.getAttribute("data-source"))
                    .containsExactly("UPDATE/console");
            assertThat(changes.get(0).findElement(By.cssSelector(".key-change")).getText())
                    .isEqualTo("key changed: 42 → 43");
        });
        assertThat(browser.driver.findElement(By.cssSelector("#blame tr[data-column='plan']")).getText())
                .as("blame follows the key back").contains("team");
        browser.screenshot(SHOTS.resolve("key-change.png"));
        browser.driver.findElement(By.cssSelector("#timeline .key-change a")).click();
        assertThat(browser.driver.getCurrentUrl()).endsWith("/ui/rows/users/42");
        assertThat(browser.driver.findElements(By.cssSelector("#timeline li.change")))
                .extracting(e -> e.getAttribute("data-operation") + "/" + e.getAttribute("data-source"))
                .containsExactly("INSERT/api", "UPDATE/api", "UPDATE/api", "UPDATE/wal", "UPDATE/console",
                        "UPDATE/console");

        // Another tenant's key: the row does not exist for it.
        browser.driver.findElement(By.cssSelector("form[action='/ui/logout'] button")).click();
        signIn(globex);
        open("/ui/rows/users/42");
        assertThat(text(By.cssSelector(".problem h1"))).contains("404");
        assertThat(text(By.id("problem-detail"))).contains("42");
        browser.screenshot(SHOTS.resolve("refused.png"));
    }

    @Test
    void aWrongKeyIsRefusedAtTheLoginForm() {
        open("/ui/login");
        browser.driver.findElement(By.id("key")).sendKeys("flux_00000000_" + "A".repeat(43));
        browser.driver.findElement(By.id("sign-in")).click();
        assertThat(text(By.id("login-error"))).contains("not valid");
        open("/ui/tables");
        assertThat(browser.driver.getCurrentUrl()).endsWith("/ui/login");
    }

    @Test
    void aPostWithoutTheFormsTokenIsRefused() throws Exception {
        // What another site's page can make a browser send: the form and the cookie, not the token.
        HttpResponse<String> forged = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest
                .newBuilder(java.net.URI.create(server.url() + "/ui/console"))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Cookie", "flux_key=" + acme)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("sql=SELECT+1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("CSRF");
    }

    private void signIn(String key) {
        open("/ui/login");
        browser.driver.findElement(By.id("key")).sendKeys(key);
        browser.driver.findElement(By.id("sign-in")).click();
        new WebDriverWait(browser.driver, Duration.ofSeconds(10)).until(ExpectedConditions.urlContains("/ui/tables"));
    }

    private void runConsole(String sql) {
        String before = browser.driver.findElement(By.id("console-result")).getText();
        WebElement area = browser.driver.findElement(By.id("sql"));
        area.clear();
        area.sendKeys(sql);
        browser.driver.findElement(By.id("run")).click();
        // htmx swaps the result's element whole: one found just before the swap is stale when read.
        new WebDriverWait(browser.driver, Duration.ofSeconds(30)).ignoring(StaleElementReferenceException.class)
                .until(d -> {
                    String now = d.findElement(By.id("console-result")).getText();
                    return !now.equals(before) && !now.isBlank();
                });
        assertThat(browser.driver.findElements(By.id("console-error"))).as(text(By.id("console-result"))).isEmpty();
    }

    private void open(String path) {
        browser.driver.get(server.url() + path);
    }

    private String text(By by) {
        return new WebDriverWait(browser.driver, Duration.ofSeconds(10))
                .until(ExpectedConditions.presenceOfElementLocated(by)).getText();
    }

    private void query(String body) throws Exception {
        HttpResponse<String> r = server.post("/v1/query", body, "Authorization", "Bearer " + acme);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    }
}
