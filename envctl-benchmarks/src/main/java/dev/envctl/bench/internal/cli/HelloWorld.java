package dev.envctl.bench.internal.cli;

/** The baseline of CLI start-up: the smallest Java program, run from a folder holding only this class. */
public final class HelloWorld {
    private HelloWorld() {
    }

    public static void main(String[] args) {
        System.out.println("hello, world");
    }
}
