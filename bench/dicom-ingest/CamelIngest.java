import java.util.logging.Level;
import org.jboss.logmanager.LogContext;
import org.jboss.logmanager.Logger;
import org.jboss.logmanager.formatters.PatternFormatter;
import org.jboss.logmanager.handlers.ConsoleHandler;

/**
 * The benchmark's Camel receiver: Camel Main with the YAML DSL (routes and placeholders from -D options, see run.sh),
 * logging as the gateway does: INFO to the console. Without Quarkus the logging back end leaves every logger at TRACE
 * (no handler prints it), so Camel would format its trace and debug messages for every exchange, a cost the gateway
 * never pays.
 */
public class CamelIngest {
    public static void main(String[] args) throws Exception {
        Logger root = LogContext.getLogContext().getLogger("");
        root.setLevel(Level.INFO);
        root.addHandler(new ConsoleHandler(new PatternFormatter("%d{HH:mm:ss,SSS} %-5p [%c] (%t) %s%e%n")));
        org.apache.camel.main.Main.main(args);
    }
}
