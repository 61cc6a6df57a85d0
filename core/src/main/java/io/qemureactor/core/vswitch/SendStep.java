package io.qemureactor.core.vswitch;

import java.util.ArrayList;
import java.util.List;

/**
 * One step of a paced send: {@code bursts} bursts of {@code burst} packets back to back. A plan sends exactly
 * the packets asked for: full steps, then the whole bursts left, then one short burst.
 */
record SendStep(int burst, int bursts) {

    long packets() {
        return (long) burst * bursts;
    }

    static List<SendStep> plan(long packets, int maxBurst, int burstsPerStep) {
        List<SendStep> steps = new ArrayList<>();
        long perStep = (long) maxBurst * burstsPerStep;
        for (long i = 0; i < packets / perStep; i++) {
            steps.add(new SendStep(maxBurst, burstsPerStep));
        }
        long rest = packets % perStep;
        if (rest / maxBurst > 0) {
            steps.add(new SendStep(maxBurst, (int) (rest / maxBurst)));
        }
        if (rest % maxBurst > 0) {
            steps.add(new SendStep((int) (rest % maxBurst), 1));
        }
        return steps;
    }
}
