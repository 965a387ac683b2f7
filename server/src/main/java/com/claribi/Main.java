package com.claribi;

import com.claribi.platform.Config;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code claribi} command line: {@code serve} runs the server; {@code admin} does operator tasks. */
@Command(
        name = "claribi",
        mixinStandardHelpOptions = true,
        version = "clariBI 0.1.0",
        description = "clariBI: AI business intelligence over MCP.",
        subcommands = {Main.Serve.class, AdminCommand.class})
public final class Main implements Callable<Integer> {

    public static void main(String[] args) {
        System.exit(new CommandLine(new Main()).execute(args));
    }

    @Override
    public Integer call() {
        new CommandLine(this).usage(System.out);
        return 0;
    }

    /** Runs the server until SIGINT/SIGTERM, then shuts down gracefully. */
    @Command(name = "serve", description = "Run the clariBI server (settings from CLARIBI_* environment variables).")
    static final class Serve implements Callable<Integer> {
        @Override
        public Integer call() throws InterruptedException {
            Config config;
            try {
                config = Config.fromEnvironment();
            } catch (Config.InvalidConfigException e) {
                System.err.println("clariBI: " + e.getMessage());
                return 2;
            }
            Application application = Application.start(config);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> {
                                application.close();
                                stopped.countDown();
                            },
                            "shutdown"));
            stopped.await();
            return 0;
        }
    }
}
