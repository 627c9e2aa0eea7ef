package app.oviya.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.extension.TestWatcher;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web chat at the gateway's "/" in headless Chromium (Debian's chromium and chromedriver,
 * installed by scripts/browser.sh), against the five packaged services: what a newcomer does
 * after `./oviya up`. One browser session for the whole class, steps in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WebChatIT {

    private static final String CHROMIUM = System.getProperty("oviya.chromium", "/usr/bin/chromium");
    private static final String CHROMEDRIVER = System.getProperty("oviya.chromedriver", "/usr/bin/chromedriver");
    private static final String EMAIL = "web-" + UUID.randomUUID() + "@example.com";
    private static final String PASSWORD = "a long and quiet evening";

    // Debian's chromium moves ahead of Selenium's CDP bindings; this test speaks WebDriver only,
    // so the "no CDP implementation matching" warning is noise. Held here so the level sticks.
    private static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private static LocalStack stack;
    private static Path logs;
    private static Path profile;
    private static ChromeDriver browser;
    private static WebDriverWait wait;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isExecutable(Path.of(CHROMIUM)) || !Files.isExecutable(Path.of(CHROMEDRIVER))) {
            throw new IllegalStateException(CHROMIUM + " or " + CHROMEDRIVER + " is missing: run scripts/browser.sh");
        }
        Path root = Path.of(System.getProperty("oviya.repo.root", "..")).toAbsolutePath().normalize();
        logs = root.resolve("e2e-tests/target/e2e-logs");
        stack = new LocalStack(root).start();
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);

        profile = Files.createTempDirectory("oviya-chromium-");
        ChromeOptions options = new ChromeOptions();
        // Binary and driver are given, so Selenium Manager has nothing to look up or download.
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--window-size=1200,900", "--user-data-dir=" + profile);
        options.setCapability("goog:loggingPrefs", Map.of(LogType.BROWSER, "ALL"));
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER))
                .usingAnyFreePort()
                .withLogOutput(Files.newOutputStream(logs.resolve("chromedriver.log")))
                .build();
        browser = new ChromeDriver(service, options);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        wait = new WebDriverWait(browser, Duration.ofSeconds(20));
        browser.get(stack.gatewayUrl() + "/");
    }

    /** A failed step leaves a screenshot and the page's HTML next to the services' logs. */
    @RegisterExtension
    static final TestWatcher EVIDENCE = new TestWatcher() {
        @Override
        public void testFailed(ExtensionContext context, Throwable cause) {
            if (browser == null) {
                return;
            }
            String name = "webchat-" + context.getRequiredTestMethod().getName();
            try {
                Files.write(logs.resolve(name + ".png"), browser.getScreenshotAs(OutputType.BYTES));
                Files.writeString(logs.resolve(name + ".html"), browser.getPageSource());
            } catch (IOException | RuntimeException e) {
                cause.addSuppressed(e);
            }
        }
    };

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (stack != null) {
            stack.close();
        }
        if (profile != null) {
            try (Stream<Path> files = Files.walk(profile)) {
                files.sorted(Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
            }
        }
    }

    private static WebElement byId(String id) {
        return browser.findElement(By.id(id));
    }

    private static void type(String id, String text) {
        WebElement input = byId(id);
        input.clear();
        input.sendKeys(text);
    }

    private static List<WebElement> messages() {
        return browser.findElements(By.cssSelector("#messages .msg"));
    }

    @Test
    @Order(1)
    void aTooShortPasswordShowsTheServersReasonAndCreatesNoAccount() throws SQLException {
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-form")));
        type("email", EMAIL);
        type("password", "short");
        byId("register").click();

        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("auth-error"), "at least 10 characters"));
        assertTrue(byId("app").getDomAttribute("hidden") != null, "still on the welcome page");
        assertEquals(List.of("0"), LocalStack.query("oviya_auth_e2e", "select count(*)::text from users where email = ?", EMAIL));
    }

    @Test
    @Order(2)
    void registeringOpensTheChatAndANewConversationCanBeStarted() {
        type("password", PASSWORD);
        type("display-name", "Asha");
        byId("register").click();

        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("app")));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("who"), "Asha"));
        assertEquals("", byId("auth-error").getText());
        // A new account has no conversation yet: the page invites the first message.
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("empty")));

        byId("new-conversation").click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#conversations li.active"), 1));
        assertEquals(1, browser.findElements(By.cssSelector("#conversations li")).size());
    }

    @Test
    @Order(3)
    void aSentMessageGetsAStreamedReplyAfterIt() {
        // Count the text changes of Oviya's bubble: more than one means the reply arrived in pieces.
        browser.executeScript("""
                window.__replyUpdates = 0;
                new MutationObserver((records) => {
                  for (const r of records) {
                    const el = r.target.nodeType === 1 ? r.target : r.target.parentElement;
                    if (el && el.classList.contains('text') && el.closest('.msg.assistant')) window.__replyUpdates++;
                  }
                }).observe(document.getElementById('messages'), { childList: true, characterData: true, subtree: true });
                """);
        byId("content").sendKeys("My sister Priya moved to Berlin and I feel so lonely", Keys.ENTER);

        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#messages .msg.assistant[data-status='complete']")));
        List<WebElement> shown = messages();
        assertEquals(2, shown.size());
        assertTrue(shown.get(0).getDomAttribute("class").contains("user"), "the user's message comes first");
        assertTrue(shown.get(0).getText().contains("Priya moved to Berlin"));
        WebElement reply = shown.get(1);
        String text = reply.findElement(By.cssSelector(".text")).getText();
        assertFalse(text.isBlank(), "the reply has text");
        assertTrue(text.contains("offline mode"), "the offline provider says so: " + text);
        assertEquals("sensed: loneliness", reply.findElement(By.cssSelector(".emotion")).getText());
        long updates = ((Number) browser.executeScript("return window.__replyUpdates;")).longValue();
        assertTrue(updates > 1, "the reply was shown piece by piece, updates: " + updates);
        assertTrue(byId("typing").getDomAttribute("hidden") != null, "no typing indicator once the reply is complete");
        assertEquals("", byId("chat-error").getText());
        assertTrue(byId("content").getDomProperty("value").isEmpty());
        // Once the stream has ended the page is ready for the next message.
        wait.until(ExpectedConditions.invisibilityOfElementLocated(By.id("stop")));
        wait.until(ExpectedConditions.elementToBeClickable(By.id("send")));
    }

    /** Runs a step on elements found inside it; false (try again) when the page replaced them meanwhile. */
    static boolean freshly(Runnable step) {
        try {
            step.run();
            return true;
        } catch (StaleElementReferenceException e) {
            return false;
        }
    }

    @Test
    @Order(4)
    void afterARenameAndAReloadTheHistoryIsStillThere() {
        String reply = messages().get(1).findElement(By.cssSelector(".text")).getText();
        // The list is re-rendered when the reply's events arrive, so an element found a moment ago
        // may be gone by the time it is used: find it again rather than fail on a stale one.
        wait.until(d -> freshly(() -> d.findElement(By.cssSelector("#conversations li.active .rename")).click()));
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#conversations .rename-form input")));
        wait.until(d -> freshly(() -> d.findElement(By.cssSelector("#conversations .rename-form input"))
                .sendKeys(Keys.chord(Keys.CONTROL, "a"), "Berlin", Keys.ENTER)));
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("#conversations li.active .open"), "Berlin"));

        // The page comes back with an access token the gateway refuses: it must renew the pair with the
        // refresh token, not send the user back to the login form.
        String refreshBefore = (String) browser.executeScript("""
                const s = JSON.parse(sessionStorage.getItem('oviya.session'));
                s.access = 'not.a.valid-token';
                sessionStorage.setItem('oviya.session', JSON.stringify(s));
                return s.refresh;
                """);
        browser.navigate().refresh();

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#messages .msg"), 2));
        String refreshAfter = (String) browser.executeScript("return JSON.parse(sessionStorage.getItem('oviya.session')).refresh;");
        assertFalse(refreshAfter.equals(refreshBefore), "the refresh token was rotated");
        List<WebElement> shown = messages();
        assertTrue(shown.get(0).getDomAttribute("class").contains("user"));
        assertTrue(shown.get(0).getText().contains("Priya moved to Berlin"));
        assertTrue(shown.get(1).getDomAttribute("class").contains("assistant"));
        assertEquals(reply, shown.get(1).findElement(By.cssSelector(".text")).getText());
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#conversations li.active .open"), "Berlin"));
    }

    @Test
    @Order(5)
    void theMemoriesViewListsWhatWasRememberedAndForgetsIt() throws SQLException {
        byId("show-memories").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("memories")));
        type("remember-content", "I am allergic to peanuts");
        byId("remember").click();

        By peanuts = By.xpath("//ul[@id='memory-list']/li[contains(@class,'memory')][contains(., 'peanuts')]");
        wait.until(ExpectedConditions.presenceOfElementLocated(peanuts));
        // What the conversation taught Oviya shows up too (extracted after the reply, asynchronously).
        new WebDriverWait(browser, Duration.ofSeconds(20)).until(d -> {
            d.findElement(By.id("memory-search-form")).submit();
            return d.findElements(By.xpath("//ul[@id='memory-list']/li[contains(., 'Priya')]")).size() > 0;
        });

        type("memory-query", "food allergy");
        byId("memory-query").sendKeys(Keys.ENTER);
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("memory-list"), "% match"));
        assertTrue(byId("memory-list").getText().contains("peanuts"), byId("memory-list").getText());

        browser.findElement(peanuts).findElement(By.tagName("button")).click();
        wait.until(ExpectedConditions.numberOfElementsToBe(peanuts, 0));
        String userId = LocalStack.query("oviya_auth_e2e", "select id::text from users where email = ?", EMAIL).get(0);
        assertEquals(List.of("0"), LocalStack.query("oviya_memory_e2e",
                "select count(*)::text from memories where user_id = ?::uuid and content like '%peanuts%'", userId));
        assertEquals("", byId("memory-error").getText());
    }

    @Test
    @Order(6)
    void aMessageFromAnotherDeviceAppearsLive() {
        byId("close-memories").click();
        String first = browser.getWindowHandle();
        // The page says whether its socket is open, or that it gave up (three failed attempts).
        String realtime = new WebDriverWait(browser, Duration.ofSeconds(30)).until(d -> {
            Object v = browser.executeScript("return document.body.dataset.realtime;");
            return "open".equals(v) || "unavailable".equals(v) ? (String) v : null;
        });
        boolean live = "open".equals(realtime);
        // GET /v1/realtime is optional for the page: without it the chat works over SSE alone (the steps above).
        Assumptions.assumeTrue(live, "GET /v1/realtime is not available; the page carried on without it");

        // A second tab is a second device: its own sessionStorage, so its own login.
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(stack.gatewayUrl() + "/");
        type("email", EMAIL);
        type("password", PASSWORD);
        byId("login").click();
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#messages .msg"), 2));
        byId("content").sendKeys("Work was long today, but I am proud of myself", Keys.ENTER);
        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#messages .msg[data-status='complete']"), 4));
        String reply = messages().get(3).findElement(By.cssSelector(".text")).getText();
        browser.close();
        browser.switchTo().window(first);

        wait.until(ExpectedConditions.numberOfElementsToBe(By.cssSelector("#messages .msg[data-status='complete']"), 4));
        List<WebElement> shown = messages();
        assertTrue(shown.get(2).getText().contains("proud of myself"), shown.get(2).getText());
        assertTrue(shown.get(3).getDomAttribute("class").contains("assistant"));
        assertEquals(reply, shown.get(3).findElement(By.cssSelector(".text")).getText());
    }

    @Test
    @Order(7)
    void loggingOutAndInAgainBringsTheConversationBack() {
        byId("logout").click();
        wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("auth-form")));
        assertEquals(null, browser.executeScript("return sessionStorage.getItem('oviya.session');"));
        assertEquals(0, messages().size());

        type("email", EMAIL);
        type("password", PASSWORD);
        byId("login").click();

        wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#messages .msg")));
        assertTrue(messages().get(0).getText().contains("Priya moved to Berlin"));
        wait.until(ExpectedConditions.textToBe(By.cssSelector("#conversations li.active .open"), "Berlin"));
    }

    @Test
    @Order(8)
    void thePageRanWithoutScriptErrors() {
        // The realtime endpoint may be missing (404 on upgrade): that is a failed request in the
        // console, never an uncaught error in the page.
        List<String> errors = browser.manage().logs().get(LogType.BROWSER).getAll().stream()
                .map(LogEntry::getMessage)
                .filter(m -> m.contains("Uncaught") || m.contains("TypeError") || m.contains("ReferenceError"))
                .toList();
        assertEquals(List.of(), errors);
    }
}
