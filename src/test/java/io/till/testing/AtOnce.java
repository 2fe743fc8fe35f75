package io.till.testing;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Calls made at the same moment (a double click, tabs, browsers), each on a thread of its own. */
public final class AtOnce {

    private AtOnce() {}

    /** Starts every call together and gives their answers in the order given, waiting up to a minute for each. */
    public static <T> List<T> call(List<Callable<T>> calls)
        throws InterruptedException, ExecutionException, TimeoutException {
        var gate = new CountDownLatch(1);
        var answers = new ArrayList<Future<T>>();
        try (var pool = Executors.newFixedThreadPool(calls.size())) {
            for (var call : calls) {
                answers.add(pool.submit(() -> {
                    gate.await();
                    return call.call();
                }));
            }
            gate.countDown();
            var results = new ArrayList<T>();
            for (var answer : answers) {
                results.add(answer.get(60, TimeUnit.SECONDS));
            }
            return results;
        }
    }
}
