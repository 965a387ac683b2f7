package com.claribi.mcp;

import com.claribi.Application;
import com.claribi.platform.Config;
import java.nio.file.Files;
import java.nio.file.Path;

/** Starts clariBI with the conformance fixtures, for running the suite by hand. */
final class FixtureServerMain {
    private FixtureServerMain() {}

    public static void main(String[] args) throws Exception {
        Path home = Files.createTempDirectory("claribi-conformance");
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Application application =
                Application.start(Config.defaults().withHome(home).withPort(port), new ConformanceFixtures());
        System.out.println("READY " + application.publicUrl());
        Thread.currentThread().join();
    }
}
