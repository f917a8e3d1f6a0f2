package dev.spindle.actors.internal;

import dev.spindle.actors.ActorRef;
import dev.spindle.actors.AwaitsAnswer;
import dev.spindle.actors.DeadLetter;
import dev.spindle.actors.DeadLetters;
import dev.spindle.mailbox.DropReason;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.atomic.LongAdder;

/** Thread-safe. Counts dead letters by reason, logs them at debug level, and sends them to subscribers. */
final class DeadLettersImpl implements DeadLetters {

    private static final Logger LOG = LoggerFactory.getLogger(DeadLetters.class);

    private final Map<DeadLetter.Reason, LongAdder> counts = new EnumMap<>(DeadLetter.Reason.class);
    private final CopyOnWriteArraySet<ActorRef<DeadLetter>> subscribers = new CopyOnWriteArraySet<>();

    DeadLettersImpl() {
        for (DeadLetter.Reason reason : DeadLetter.Reason.values()) {
            counts.put(reason, new LongAdder());
        }
    }

    void dropped(ActorRef<?> recipient, Object message, DropReason reason) {
        record(recipient, message, switch (reason) {
            case CLOSED -> DeadLetter.Reason.STOPPED;
            case OVERFLOW_NEWEST -> DeadLetter.Reason.MAILBOX_FULL;
            case OVERFLOW_OLDEST -> DeadLetter.Reason.EVICTED;
        });
    }

    void unhandled(ActorRef<?> recipient, Object message) {
        record(recipient, message, DeadLetter.Reason.UNHANDLED);
    }

    void record(ActorRef<?> recipient, Object message, DeadLetter.Reason reason) {
        counts.get(reason).increment();
        LOG.debug("dead letter to {} ({}): {}", recipient, reason, message);
        if (message instanceof AwaitsAnswer awaited) {
            try {
                awaited.deadLettered(reason);
            } catch (RuntimeException e) {
                LOG.warn("{} threw when told it is a dead letter", message, e);
            }
        }
        if (message instanceof DeadLetter) {
            // A dead letter to a subscriber: counted, never sent on (two stopped subscribers would
            // otherwise pass it back and forth), and a stopped subscriber is dropped.
            if (reason == DeadLetter.Reason.STOPPED) {
                subscribers.remove(recipient);
            }
            return;
        }
        if (!subscribers.isEmpty()) {
            DeadLetter letter = new DeadLetter(recipient, message, reason);
            for (ActorRef<DeadLetter> subscriber : subscribers) {
                if (!subscriber.equals(recipient)) {
                    subscriber.tell(letter);
                }
            }
        }
    }

    @Override
    public long count() {
        long total = 0;
        for (LongAdder adder : counts.values()) {
            total += adder.sum();
        }
        return total;
    }

    @Override
    public long count(DeadLetter.Reason reason) {
        return counts.get(Objects.requireNonNull(reason, "reason")).sum();
    }

    @Override
    public void subscribe(ActorRef<DeadLetter> subscriber) {
        subscribers.add(Objects.requireNonNull(subscriber, "subscriber"));
    }

    @Override
    public void publish(ActorRef<?> recipient, Object message, DeadLetter.Reason reason) {
        record(Objects.requireNonNull(recipient, "recipient"), Objects.requireNonNull(message, "message"),
                Objects.requireNonNull(reason, "reason"));
    }

    @Override
    public void unsubscribe(ActorRef<DeadLetter> subscriber) {
        subscribers.remove(subscriber);
    }
}
