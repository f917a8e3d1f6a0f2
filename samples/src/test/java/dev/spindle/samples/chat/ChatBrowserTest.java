package dev.spindle.samples.chat;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The chat's page in a real browser: headless Chromium, two people in two browser contexts whose
 * streams come from different workers, talking in one room, then one moves to another room. Tagged
 * {@code browser}: run by {@code samples/browser-test}, which installs Chromium, not by the
 * default test command. Screenshots go to {@code samples/target/chat-*.png}.
 */
@Tag("browser")
@Timeout(240)
class ChatBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @Test
    void twoPeopleOnDifferentWorkersShouldTalkThroughThePage() throws Exception {
        String executable = Chromium.find();
        assertThat(executable).as("Chromium (samples/browser-test installs it)").isNotNull();
        // A short history, so that a reconnect can miss more than the rooms keep.
        try (RunningChat chat = RunningChat.start(2, ChatConfig.defaults().withHistory(5));
                Chromium browser = Chromium.launch(executable)) {
            String base = "http://127.0.0.1:" + chat.port() + "/";
            Chromium.Page ann = browser.open(base + "?name=ann&room=general");
            String annWorker = ann.await("document.body.dataset.streamWorker", WAIT);
            // Bob's stream must come from the other worker: open tabs until one does.
            Chromium.Page bob = null;
            for (int i = 0; i < 8 && bob == null; i++) {
                Chromium.Page tab = browser.open(base + "?name=bob&room=general");
                if (!tab.await("document.body.dataset.streamWorker", WAIT).equals(annWorker)) {
                    bob = tab;
                } else {
                    tab.close();
                }
            }
            assertThat(bob).as("a tab streamed by the other worker").isNotNull();

            say(ann, "hello from ann");
            bob.await("document.getElementById('log').innerText.includes('ann: hello from ann')", WAIT);
            say(bob, "hi ann, bob here");
            ann.await("document.getElementById('log').innerText.includes('bob: hi ann, bob here')", WAIT);

            // Bob moves to #random: he hears that room only.
            bob.eval("(() => { const r = document.getElementById('room'); r.value = 'random';"
                    + " r.dispatchEvent(new Event('change')); return r.value; })()");
            bob.await("document.getElementById('status').textContent.startsWith('#random')", WAIT);
            say(bob, "anyone in random?");
            bob.await("document.getElementById('log').innerText.includes('bob: anyone in random?')", WAIT);
            say(ann, "still in general");
            ann.await("document.getElementById('log').innerText.includes('ann: still in general')", WAIT);
            assertThat(ann.eval("document.getElementById('log').innerText")).doesNotContain("anyone in random?");
            assertThat(bob.eval("document.getElementById('log').innerText")).doesNotContain("still in general");

            // A word longer than the column wraps instead of widening the log.
            say(ann, "a".repeat(300));
            ann.await("document.getElementById('log').innerText.includes('ann: " + "a".repeat(300) + "')", WAIT);
            assertThat(ann.eval("String(document.getElementById('log').scrollWidth <= document.getElementById('log').clientWidth)"))
                    .isEqualTo("true");

            // The workers' panel fills in from /api/stats.
            ann.await("document.getElementById('stats').textContent.includes('worker 2')", WAIT);
            ann.screenshot(Path.of("target/chat-ann.png"));
            bob.screenshot(Path.of("target/chat-bob.png"));

            // Bob's worker dies; more is said in #random than it keeps before his page reconnects
            // (EventSource waits a second): the page says how many messages he missed.
            ProcessHandle.of(chat.primary().worker(Integer.parseInt(bob.eval("document.body.dataset.streamWorker")))
                    .pid().orElseThrow()).orElseThrow().destroyForcibly();
            for (int i = 1; i <= 12; i++) {
                RunningChat.Reply posted = chat.http("POST", "/api/rooms/random/messages",
                        "{\"user\":\"ann\",\"text\":\"while bob was away " + i + "\"}");
                if (posted == null || posted.status() != 202) {
                    i--; // reached the dead worker: again
                }
            }
            // He had seen 1; the room keeps the last 5 of 13, so 2 to 8 are missed.
            bob.await("document.getElementById('log').innerText.includes('7 messages missed')", WAIT);
            bob.await("document.getElementById('log').innerText.includes('ann: while bob was away 12')", WAIT);
            bob.screenshot(Path.of("target/chat-bob-gap.png"));
        }
    }

    private static void say(Chromium.Page page, String text) throws Exception {
        page.eval("(() => { document.getElementById('text').value = '" + text.replace("'", "\\'") + "';"
                + " document.getElementById('say').requestSubmit(); return true; })()");
    }
}
