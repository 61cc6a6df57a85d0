package io.qemureactor.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * One real {@link HostQemuGa} per test class: started before the first test (after its
 * socket exists), killed by pid and its folder deleted after the last. Use with
 * {@code @ExtendWith} and a {@code HostQemuGa} parameter, or as a static
 * {@code @RegisterExtension} field with {@link #agent()}.
 */
public class HostQemuGaExtension implements BeforeAllCallback, AfterAllCallback, ParameterResolver {

    private volatile HostQemuGa agent;

    @Override
    public void beforeAll(ExtensionContext context) {
        agent = HostQemuGa.start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        HostQemuGa running = agent;
        agent = null;
        if (running != null) {
            running.close();
        }
    }

    /** The running agent of the current test class. */
    public HostQemuGa agent() {
        HostQemuGa running = agent;
        if (running == null) {
            throw new IllegalStateException("qemu-ga is not running (used outside the test class lifecycle?)");
        }
        return running;
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == HostQemuGa.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return agent();
    }
}
