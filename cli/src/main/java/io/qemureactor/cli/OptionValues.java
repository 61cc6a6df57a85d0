package io.qemureactor.cli;

import io.qemureactor.core.guest.GuestKit;
import io.qemureactor.core.spec.Accelerator;
import java.util.Locale;
import picocli.CommandLine;

/** Converters of option values written in lower case ({@code --mode disk}, {@code --accel tcg}) to enums. */
final class OptionValues {

    private OptionValues() {
    }

    /** {@code --mode}: the test guest's flavour. */
    static final class FlavourConverter implements CommandLine.ITypeConverter<GuestKit.Flavour> {
        @Override
        public GuestKit.Flavour convert(String value) {
            return parse(GuestKit.Flavour.class, value, "default, disk or kernel");
        }
    }

    /** {@code --accel}. */
    static final class AccelConverter implements CommandLine.ITypeConverter<Accelerator> {
        @Override
        public Accelerator convert(String value) {
            return parse(Accelerator.class, value, "auto, kvm or tcg");
        }
    }

    /** {@code boot --probe}. */
    static final class ProbeConverter implements CommandLine.ITypeConverter<BootSpecs.ReadySignal> {
        @Override
        public BootSpecs.ReadySignal convert(String value) {
            return parse(BootSpecs.ReadySignal.class, value, "qga or serial");
        }
    }

    static <E extends Enum<E>> E parse(Class<E> type, String value, String expected) {
        try {
            return Enum.valueOf(type, value.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new CommandLine.TypeConversionException("'" + value + "' is not one of " + expected);
        }
    }
}
