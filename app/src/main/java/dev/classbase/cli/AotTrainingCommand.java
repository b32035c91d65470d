package dev.classbase.cli;

import dev.classbase.ClassbaseApplication;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.Callable;
import org.springframework.boot.builder.SpringApplicationBuilder;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The training run of the start-up cache the launcher makes after a build (JDK 25's AOT cache,
 * JEP 483/514, or AppCDS before it): loads what a short command and {@code serve} load, so the JVM
 * can map those classes from the cache instead of finding, reading and verifying them in the jars.
 * Hidden; it touches no database and binds no port.
 */
@Command(name = "aot-training", hidden = true, description = "Load the classes commands start with (for the launcher).")
final class AotTrainingCommand implements Callable<Integer> {

    /**
     * {@code cli}: what the short commands load; {@code serve}: Spring Boot's start-up as well. Two
     * caches, because a cache costs start-up time in proportion to its size: {@code --help} starts
     * slower from the 90MB cache that serve wants than from its own 17MB one.
     */
    @picocli.CommandLine.Parameters(index = "0", description = "cli or serve")
    String kind;

    @Override
    public Integer call() {
        cliClasses();
        if ("serve".equals(kind)) {
            serveClasses();
        }
        return 0;
    }

    private static void cliClasses() {
        StringWriter sink = new StringWriter();
        PrintWriter quiet = new PrintWriter(sink);
        for (String[] args : new String[][] {
            {"--help"}, {"tune", "--help"}, {"tune", "--ram", "8GB", "--cores", "4"}, {"pool-size", "--help"}
        }) {
            new CommandLine(new ClassbaseCommand()).setOut(quiet).setErr(quiet).execute(args);
        }
    }

    /**
     * Spring Boot's start-up up to the first database connection, which fails at once on a closed
     * port: the framework's classes, the auto-configuration and the web server are loaded by then.
     */
    private static void serveClasses() {
        try (var context = new SpringApplicationBuilder(ClassbaseApplication.class)
                .logStartupInfo(false)
                .run(
                        "--server.port=0",
                        "--logging.level.root=OFF",
                        "--classbase.database.primary.name=primary",
                        "--classbase.database.primary.url=jdbc:postgresql://127.0.0.1:1/classbase?connectTimeout=1",
                        "--classbase.database.primary.username=classbase",
                        "--spring.datasource.hikari.initialization-fail-timeout=1")) {
            context.getId();
        } catch (RuntimeException expected) {
            // no database: the start ends here, the classes are loaded
        }
    }
}
