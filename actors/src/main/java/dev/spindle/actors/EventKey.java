package dev.spindle.actors;

import java.util.Objects;

/**
 * Immutable. The name of an event and the type of its value: the type-safe version of Node's
 * event-name strings. Two keys are the same event when their names and types are equal.
 *
 * <pre>{@code
 * static final EventKey<String> DATA = EventKey.of("data", String.class);
 * ctx.events().on(DATA, chunk -> buffer.append(chunk));
 * ctx.events().emit(DATA, "hello");
 * }</pre>
 *
 * @param name the event's name
 * @param type the type of the value emitted with it
 * @param <T>  the type of the value
 */
public record EventKey<T>(String name, Class<T> type) {

    public EventKey {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
    }

    public static <T> EventKey<T> of(String name, Class<T> type) {
        return new EventKey<>(name, type);
    }

    @Override
    public String toString() {
        return name + '<' + type.getSimpleName() + '>';
    }
}
