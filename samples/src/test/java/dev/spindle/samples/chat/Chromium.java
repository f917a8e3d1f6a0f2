package dev.spindle.samples.chat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven over the DevTools protocol (a WebSocket, {@code java.net.http}): no
 * browser-driver dependency. Each {@link Page} is a tab in a browser context of its own (its own
 * cookies and storage), as two people on two machines would be.
 */
final class Chromium implements AutoCloseable {

    private static final Pattern ID = Pattern.compile("^\\{\"id\":(\\d+),");
    private static final Pattern VALUE = Pattern.compile("\"value\":\"([^\"]*)\"");

    private final Process process;
    private final Path profile;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<String>> waiting = new ConcurrentHashMap<>();

    private Chromium(Process process, Path profile, WebSocket socket) {
        this.process = process;
        this.profile = profile;
        this.socket = socket;
    }

    /** {@return the browser's path, or null if none is installed} */
    static String find() {
        for (String candidate : new String[] {"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        return null;
    }

    static Chromium launch(String executable) throws Exception {
        Path profile = Files.createTempDirectory("spindle-chromium-");
        Process process = new ProcessBuilder(executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=1000,700", "about:blank")
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        Thread.ofPlatform().daemon().start(() -> {
            try (BufferedReader err = new BufferedReader(new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = err.readLine()) != null; ) {
                    if (line.startsWith("DevTools listening on ")) {
                        endpoint.complete(line.substring("DevTools listening on ".length()).strip());
                    }
                }
                endpoint.completeExceptionally(new IOException("chromium exited: " + process.waitFor()));
            } catch (IOException | InterruptedException e) {
                endpoint.completeExceptionally(e);
            }
        });
        String url;
        try {
            url = endpoint.get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            process.destroyForcibly();
            throw e;
        }
        Chromium[] self = new Chromium[1];
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            private final StringBuilder message = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                message.append(data);
                if (last) {
                    self[0].onMessage(message.toString());
                    message.setLength(0);
                }
                ws.request(1);
                return null;
            }
        }).get(10, TimeUnit.SECONDS);
        self[0] = new Chromium(process, profile, socket);
        return self[0];
    }

    private void onMessage(String json) {
        Matcher id = ID.matcher(json);
        if (id.find()) {
            CompletableFuture<String> reply = waiting.remove(Integer.parseInt(id.group(1)));
            if (reply != null) {
                reply.complete(json);
            }
        }
    }

    /** Sends one command (params as JSON, session null for the browser) and waits for its answer. */
    String call(String session, String method, String params) throws Exception {
        int id = ids.incrementAndGet();
        CompletableFuture<String> reply = new CompletableFuture<>();
        waiting.put(id, reply);
        socket.sendText("{\"id\":" + id + (session == null ? "" : ",\"sessionId\":\"" + session + "\"") + ",\"method\":\""
                + method + "\",\"params\":" + params + "}", true).get(10, TimeUnit.SECONDS);
        String answer = reply.get(30, TimeUnit.SECONDS);
        if (answer.contains("\"error\":")) {
            throw new IOException(method + " failed: " + answer);
        }
        return answer;
    }

    private static String field(String json, String name) {
        Matcher m = Pattern.compile("\"" + name + "\":\"([^\"]+)\"").matcher(json);
        if (!m.find()) {
            throw new IllegalStateException("no " + name + " in " + json);
        }
        return m.group(1);
    }

    /** Opens {@code url} in a new tab of a new browser context. */
    Page open(String url) throws Exception {
        String context = field(call(null, "Target.createBrowserContext", "{}"), "browserContextId");
        String target = field(call(null, "Target.createTarget", "{\"url\":\"" + url + "\",\"browserContextId\":\"" + context
                + "\"}"), "targetId");
        String session = field(call(null, "Target.attachToTarget", "{\"targetId\":\"" + target + "\",\"flatten\":true}"),
                "sessionId");
        return new Page(target, session);
    }

    /** One tab. */
    final class Page {
        private final String target;
        private final String session;

        private Page(String target, String session) {
            this.target = target;
            this.session = session;
        }

        /** {@return what {@code expression} evaluates to, as a string} */
        String eval(String expression) throws Exception {
            return evaluate("encodeURIComponent(String(" + expression + "))", false);
        }

        /**
         * {@return the expression's value once it is true-ish, within {@code max}} The page itself
         * looks again every 50 ms (its own timers); we wait for the answer. A new tab may still
         * show its first, blank document, which the page replaces: then we ask the page again.
         */
        String await(String expression, Duration max) throws Exception {
            long deadline = System.nanoTime() + max.toNanos();
            while (true) {
                long left = Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
                String poll = "new Promise((resolve, reject) => { const start = Date.now(); (function check() {"
                        + " let v; try { v = (" + expression + "); } catch (e) { v = null; }"
                        + " if (v) { resolve(encodeURIComponent(String(v))); }"
                        + " else if (Date.now() - start > " + left + ") { reject(new Error('not within "
                        + max.toMillis() + " ms; the page says: ' + document.body.innerText.slice(0, 400))); }"
                        + " else { setTimeout(check, 50); } })(); })";
                try {
                    return evaluate(poll, true);
                } catch (IOException e) {
                    if (!e.getMessage().contains("Execution context was destroyed") || System.nanoTime() > deadline) {
                        throw e;
                    }
                }
            }
        }

        private String evaluate(String expression, boolean promise) throws Exception {
            String answer = call(session, "Runtime.evaluate", "{\"expression\":" + ChatJson.JSON.writeString(expression)
                    + ",\"returnByValue\":true" + (promise ? ",\"awaitPromise\":true" : "") + "}");
            if (answer.contains("\"exceptionDetails\"")) {
                throw new AssertionError("the page threw: " + answer);
            }
            Matcher m = VALUE.matcher(answer);
            if (!m.find()) {
                throw new IOException("no value from " + expression + ": " + answer);
            }
            return URLDecoder.decode(m.group(1), StandardCharsets.UTF_8);
        }

        void screenshot(Path file) throws Exception {
            String answer = call(session, "Page.captureScreenshot", "{\"format\":\"png\"}");
            Files.createDirectories(file.getParent());
            Files.write(file, Base64.getDecoder().decode(field(answer, "data")));
        }

        void close() throws Exception {
            call(null, "Target.closeTarget", "{\"targetId\":\"" + target + "\"}");
        }
    }

    @Override
    public void close() throws IOException {
        socket.abort();
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try (var files = Files.walk(profile)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
