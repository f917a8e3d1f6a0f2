package dev.spindle.actors.testkit;

import org.slf4j.ILoggerFactory;
import org.slf4j.IMarkerFactory;
import org.slf4j.Logger;
import org.slf4j.MDC;
import org.slf4j.Marker;
import org.slf4j.event.Level;
import org.slf4j.helpers.BasicMDCAdapter;
import org.slf4j.helpers.BasicMarkerFactory;
import org.slf4j.helpers.LegacyAbstractLogger;
import org.slf4j.helpers.MessageFormatter;
import org.slf4j.spi.MDCAdapter;
import org.slf4j.spi.SLF4JServiceProvider;

import java.io.Serial;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Thread-safe. An SLF4J provider for tests that look at what was logged: it keeps every event at
 * INFO or above, with the MDC's {@code actor} entry, in memory for the life of the JVM. It is not
 * registered as a service (it never competes with an application's logging backend); a test JVM
 * selects it with the {@code slf4j.provider} system property, as Spindle's own modules do in
 * their Surefire configuration:
 *
 * <pre>{@code
 * <systemPropertyVariables>
 *   <slf4j.provider>dev.spindle.actors.testkit.RecordingLogs</slf4j.provider>
 * </systemPropertyVariables>
 * }</pre>
 */
public final class RecordingLogs implements SLF4JServiceProvider {

    /** One logged event. */
    public record Event(String logger, Level level, String message, String actorMdc, Throwable failure) {
    }

    private static final ConcurrentLinkedQueue<Event> EVENTS = new ConcurrentLinkedQueue<>();

    private final IMarkerFactory markers = new BasicMarkerFactory();
    private final MDCAdapter mdc = new BasicMDCAdapter();
    private final Map<String, Logger> loggers = new ConcurrentHashMap<>();
    private final ILoggerFactory factory = name -> loggers.computeIfAbsent(name, RecordingLogger::new);

    public RecordingLogs() {
    }

    /** {@return whether the tests run with this provider, as the pom sets them up to} */
    public static boolean installed() {
        return org.slf4j.LoggerFactory.getILoggerFactory().getLogger("probe") instanceof RecordingLogger;
    }

    /** {@return the events logged so far whose message contains {@code text}} */
    public static List<Event> containing(String text) {
        return EVENTS.stream().filter(e -> e.message().contains(text)).toList();
    }

    @Override
    public ILoggerFactory getLoggerFactory() {
        return factory;
    }

    @Override
    public IMarkerFactory getMarkerFactory() {
        return markers;
    }

    @Override
    public MDCAdapter getMDCAdapter() {
        return mdc;
    }

    @Override
    public String getRequestedApiVersion() {
        return "2.0.99";
    }

    @Override
    public void initialize() {
    }

    private static final class RecordingLogger extends LegacyAbstractLogger {
        @Serial
        private static final long serialVersionUID = 1L;

        RecordingLogger(String name) {
            this.name = name;
        }

        @Override
        public boolean isTraceEnabled() {
            return false;
        }

        @Override
        public boolean isDebugEnabled() {
            return false;
        }

        @Override
        public boolean isInfoEnabled() {
            return true;
        }

        @Override
        public boolean isWarnEnabled() {
            return true;
        }

        @Override
        public boolean isErrorEnabled() {
            return true;
        }

        @Override
        protected String getFullyQualifiedCallerName() {
            return null;
        }

        @Override
        protected void handleNormalizedLoggingCall(Level level, Marker marker, String pattern, Object[] arguments,
                Throwable failure) {
            String message = MessageFormatter.basicArrayFormat(pattern, arguments);
            EVENTS.add(new Event(name, level, message, MDC.get("actor"), failure));
        }
    }
}
