package dev.envctl.bench.internal.harness;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs workers on their own threads and times them from a common start to the last one's end. */
public final class Parallel {
    private Parallel() {
    }

    /** One thread's work; it prepares what it needs, then calls {@code start.await()} and does the timed part. */
    public interface Worker {
        void run(int thread, CyclicBarrier start) throws Exception;
    }

    /** Seconds from the moment every worker passed {@code start} until all finished; a worker's failure is thrown. */
    public static double seconds(int threads, Worker worker) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CyclicBarrier start = new CyclicBarrier(threads + 1);
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    worker.run(thread, start);
                    return null;
                }));
            }
            start.await();
            long t0 = System.nanoTime();
            for (Future<?> f : done) {
                f.get();
            }
            return (System.nanoTime() - t0) / 1e9;
        } finally {
            pool.shutdown();
        }
    }
}
