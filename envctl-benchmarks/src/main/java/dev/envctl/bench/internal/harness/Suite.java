package dev.envctl.bench.internal.harness;

/** One group of measurements; a suite that fails is reported in the notes and the run goes on. */
public interface Suite {

    /** The id that {@code --only} selects, such as {@code jdbc}. */
    String id();

    void run(Context context) throws Exception;
}
