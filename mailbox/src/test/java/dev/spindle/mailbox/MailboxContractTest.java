package dev.spindle.mailbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.EnumSource.Mode;

/** The contract every mailbox keeps, run against each implementation and policy. */
class MailboxContractTest {

    private final CountingDeadLetterSink sink = new CountingDeadLetterSink();
    private final Recorder recorder = new Recorder();

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldStartIdleAndTellTheFirstProducerToSchedule(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);

        assertThat(mailbox.isScheduled()).isFalse();
        assertThat(mailbox.offer("a")).isEqualTo(Offer.SCHEDULE);
        assertThat(mailbox.offer("b")).isEqualTo(Offer.ENQUEUED);
        assertThat(mailbox.offerSystem("s")).isEqualTo(Offer.ENQUEUED);
        assertThat(mailbox.isScheduled()).isTrue();
        assertThat(mailbox.trySchedule()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldDeliverInOfferOrder(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        for (int i = 0; i < 50; i++) {
            mailbox.offer(i);
        }

        assertThat(mailbox.size()).isEqualTo(50);
        assertThat(mailbox.drain(recorder, 100)).isEqualTo(50);
        assertThat(recorder.seen).containsExactlyElementsOf(range(0, 50));
        assertThat(mailbox.size()).isZero();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldTakeAtMostTheLimitPerDrain(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        for (int i = 0; i < 10; i++) {
            mailbox.offer(i);
        }

        assertThat(mailbox.drain(recorder, 3)).isEqualTo(3);
        assertThat(recorder.seen).containsExactly(0, 1, 2);
        assertThat(mailbox.tryIdle()).as("messages are waiting").isFalse();
        assertThat(mailbox.drain(recorder, 100)).isEqualTo(7);
        assertThat(recorder.seen).containsExactlyElementsOf(range(0, 10));
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldGoIdleOnlyWhenEmptyAndThenAskForSchedulingAgain(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        mailbox.offer("a");
        assertThat(mailbox.tryIdle()).isFalse();
        assertThat(mailbox.isScheduled()).isTrue();

        mailbox.drain(recorder, 10);
        assertThat(mailbox.tryIdle()).isTrue();
        assertThat(mailbox.isScheduled()).isFalse();

        assertThat(mailbox.offer("b")).isEqualTo(Offer.SCHEDULE);
        mailbox.drain(recorder, 10);
        assertThat(mailbox.tryIdle()).isTrue();
        assertThat(mailbox.offerSystem("s")).isEqualTo(Offer.SCHEDULE);
        assertThat(recorder.seen).containsExactly("a", "b");
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldLetOnePartyTakeHoldWithoutAnOffer(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);

        assertThat(mailbox.trySchedule()).isTrue();
        assertThat(mailbox.trySchedule()).isFalse();
        assertThat(mailbox.offer("a")).isEqualTo(Offer.ENQUEUED);
        assertThat(mailbox.drain(recorder, 10)).isEqualTo(1);
        assertThat(mailbox.tryIdle()).isTrue();
        assertThat(mailbox.trySchedule()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldHandleSystemMessagesBeforeUserMessages(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        mailbox.offer(1);
        mailbox.offerSystem("a");
        mailbox.offer(2);
        mailbox.offerSystem("b");

        mailbox.drain(recorder, 10);

        assertThat(recorder.seen).containsExactly("sys:a", "sys:b", 1, 2);
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldLetASystemMessageOvertakeTheRestOfABatch(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        for (int i = 0; i < 5; i++) {
            mailbox.offer(i);
        }
        MailboxHandler<Object, Object> handler = new MailboxHandler<>() {
            @Override
            public boolean onSystemMessage(Object message) {
                return recorder.onSystemMessage(message);
            }

            @Override
            public boolean onMessage(Object message) {
                if (message.equals(1)) {
                    mailbox.offerSystem("stop");
                }
                return recorder.onMessage(message);
            }
        };

        assertThat(mailbox.drain(handler, 10)).isEqualTo(5);

        assertThat(recorder.seen).containsExactly(0, 1, "sys:stop", 2, 3, 4);
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldKeepTheRestOfABatchWhenAnOvertakingSystemMessageStopsTheDrain(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        for (int i = 0; i < 4; i++) {
            mailbox.offer(i);
        }
        MailboxHandler<Object, Object> handler = new MailboxHandler<>() {
            @Override
            public boolean onSystemMessage(Object message) {
                recorder.onSystemMessage(message);
                return !message.equals("stop");
            }

            @Override
            public boolean onMessage(Object message) {
                if (message.equals(1)) {
                    mailbox.offerSystem("stop");
                }
                return recorder.onMessage(message);
            }
        };

        assertThat(mailbox.drain(handler, 10)).isEqualTo(2);
        assertThat(mailbox.size()).isEqualTo(2);
        assertThat(mailbox.tryIdle()).isFalse();
        assertThat(mailbox.drain(handler, 10)).isEqualTo(2);

        assertThat(recorder.seen).containsExactly(0, 1, "sys:stop", 2, 3);
        assertThat(mailbox.tryIdle()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldStopDrainingWhenTheHandlerSaysSo(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        mailbox.offerSystem("x");
        mailbox.offerSystem("y");
        for (int i = 0; i < 5; i++) {
            mailbox.offer(i);
        }
        recorder.stopAfter = message -> message.equals("sys:x") || message.equals(2);

        assertThat(mailbox.drain(recorder, 10)).isZero();
        assertThat(recorder.seen).containsExactly("sys:x");
        assertThat(mailbox.drain(recorder, 10)).isEqualTo(3);
        assertThat(recorder.seen).containsExactly("sys:x", "sys:y", 0, 1, 2);
        assertThat(mailbox.tryIdle()).isFalse();
        assertThat(mailbox.drain(recorder, 10)).isEqualTo(2);
        assertThat(recorder.seen).endsWith(3, 4);
        assertThat(mailbox.tryIdle()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldCountAMessageWhoseHandlerThrewAsTaken(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        for (int i = 0; i < 4; i++) {
            mailbox.offer(i);
        }
        recorder.throwOn = message -> message.equals(1);

        assertThatThrownBy(() -> mailbox.drain(recorder, 10)).isInstanceOf(IllegalStateException.class);
        recorder.throwOn = message -> false;
        assertThat(mailbox.drain(recorder, 10)).isEqualTo(2);

        assertThat(recorder.seen).containsExactly(0, 1, 2, 3);
        assertThat(mailbox.tryIdle()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldDeadLetterWhatIsLeftWhenClosed(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        mailbox.offer(1);
        mailbox.offer(2);
        mailbox.offerSystem("watch");
        mailbox.drain(recorder, 1);

        mailbox.close();

        assertThat(mailbox.isClosed()).isTrue();
        assertThat(mailbox.isScheduled()).isFalse();
        assertThat(sink.dropped(DropReason.CLOSED)).isEqualTo(1);
        assertThat(sink.systemDropped()).isZero();
        assertThat(recorder.seen).containsExactly("sys:watch", 1);
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldDeadLetterOffersToAClosedMailbox(MailboxKind kind) {
        List<Object> dead = new ArrayList<>();
        CountingDeadLetterSink recording = new CountingDeadLetterSink(new DeadLetterSink<>() {
            @Override
            public void onDropped(Object message, DropReason reason) {
                dead.add(message + "/" + reason);
            }

            @Override
            public void onSystemDropped(Object message) {
                dead.add("sys:" + message);
            }
        });
        Mailbox<Object, Object> mailbox = kind.create(recording);
        mailbox.offer("left");
        mailbox.offerSystem("pending");
        mailbox.close();

        assertThat(mailbox.offer("late")).isEqualTo(Offer.CLOSED);
        assertThat(mailbox.offerSystem("watch")).isEqualTo(Offer.CLOSED);

        assertThat(dead).containsExactly("sys:pending", "left/CLOSED", "late/CLOSED", "sys:watch");
        assertThat(mailbox.trySchedule()).as("a closed mailbox is never scheduled again").isFalse();
        assertThat(mailbox.isScheduled()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldRefuseNullMessages(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);

        assertThatThrownBy(() -> mailbox.offer(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> mailbox.offerSystem(null)).isInstanceOf(NullPointerException.class);
        assertThat(mailbox.isScheduled()).isFalse();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldRefuseALimitBelowOne(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        mailbox.trySchedule();

        assertThatThrownBy(() -> mailbox.drain(recorder, 0)).isInstanceOf(IllegalArgumentException.class);
    }

    @ParameterizedTest
    @EnumSource(value = MailboxKind.class, names = {"CHUNKED", "CHUNKED_DEFAULT"}, mode = Mode.EXCLUDE)
    void shouldApplyItsOverflowPolicyWhenFull(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(8, sink);
        assertThat(mailbox.capacity()).isEqualTo(8);
        for (int i = 0; i < 8; i++) {
            assertThat(mailbox.offer(i).isEnqueued()).isTrue();
        }

        Offer ninth = mailbox.offer(8);
        mailbox.offerSystem("never dropped");

        assertThat(mailbox.size()).isEqualTo(8);
        mailbox.drain(recorder, 100);
        switch (kind.policy()) {
            case FAIL -> {
                assertThat(ninth).isEqualTo(Offer.REJECTED);
                assertThat(sink.dropped()).isZero();
                assertThat(recorder.seen).containsExactly("sys:never dropped", 0, 1, 2, 3, 4, 5, 6, 7);
            }
            case DROP_NEWEST -> {
                assertThat(ninth).isEqualTo(Offer.DROPPED);
                assertThat(sink.dropped(DropReason.OVERFLOW_NEWEST)).isOne();
                assertThat(recorder.seen).containsExactly("sys:never dropped", 0, 1, 2, 3, 4, 5, 6, 7);
            }
            case DROP_OLDEST -> {
                assertThat(ninth).isEqualTo(Offer.ENQUEUED);
                assertThat(sink.dropped(DropReason.OVERFLOW_OLDEST)).isOne();
                assertThat(recorder.seen).containsExactly("sys:never dropped", 1, 2, 3, 4, 5, 6, 7, 8);
            }
        }
        assertThat(mailbox.offer("room again").isEnqueued()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(value = MailboxKind.class, names = {"CHUNKED", "CHUNKED_DEFAULT"})
    void shouldGrowWithoutBoundWhenUnbounded(MailboxKind kind) {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        int count = 10_000;
        for (int i = 0; i < count; i++) {
            assertThat(mailbox.offer(i).isEnqueued()).isTrue();
        }
        assertThat(mailbox.size()).isEqualTo(count);
        assertThat(mailbox.capacity()).isEqualTo(Integer.MAX_VALUE);

        int taken = 0;
        while (taken < count) {
            taken += mailbox.drain(recorder, 777);
        }
        assertThat(recorder.seen).containsExactlyElementsOf(range(0, count));
        assertThat(mailbox.tryIdle()).isTrue();
    }

    @ParameterizedTest
    @EnumSource(MailboxKind.class)
    void shouldNotRetainMessagesItHasDelivered(MailboxKind kind) throws InterruptedException {
        Mailbox<Object, Object> mailbox = kind.create(sink);
        Object message = new Object();
        WeakReference<Object> ref = new WeakReference<>(message);
        mailbox.offer(message);
        mailbox.offer("keeps the slot after it busy");
        message = null;
        mailbox.drain(new MailboxHandler<>() {
            @Override
            public boolean onSystemMessage(Object ignored) {
                return true;
            }

            @Override
            public boolean onMessage(Object ignored) {
                return true;
            }
        }, 1);

        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (ref.get() != null && System.nanoTime() < deadline) {
            System.gc();
            Thread.onSpinWait();
        }
        assertThat(ref.get()).as("a delivered message is collectable").isNull();
        assertThat(mailbox).isNotNull();
    }

    static List<Object> range(int from, int to) {
        List<Object> list = new ArrayList<>();
        for (int i = from; i < to; i++) {
            list.add(i);
        }
        return list;
    }
}
