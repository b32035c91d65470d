package dev.classbase.seed;

/** Receives the generator's progress; the CLI draws a progress bar from it. */
@FunctionalInterface
public interface ProgressListener {

    ProgressListener NONE = (done, total, label) -> {};

    /**
     * Called before each step with the steps done so far, and once more at the end with
     * {@code done == total}.
     */
    void step(int done, int total, String label);
}
