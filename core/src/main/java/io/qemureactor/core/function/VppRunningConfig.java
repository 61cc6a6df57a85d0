package io.qemureactor.core.function;

import io.qemureactor.core.spec.MacAddress;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;

/**
 * VPP's "running" configuration: the CLI script the startup configuration's {@code unix { exec ... }}
 * runs once VPP is up, made from a {@link TextTemplate} and named parameters.
 *
 * <p>The seed picked {@code resources/templates/vm/<vnf>.exec} by the function's name and filled it
 * with {@code string.Template.safe_substitute(**kwargs)}. Two templates ship here, under the seed's
 * names, rewritten from what FD.io CSIT's {@code resources/templates/vm/vpp_chain_l2xc.exec} and
 * {@code vpp_chain_ip4.exec} do (found with the code search over the FDio/csit repository):
 * <ul>
 *   <li>{@value #L2XC}: both NICs up, an L2 cross-connect each way. Parameters {@code if1}, {@code if2}.
 *   <li>{@value #IP4}: NIC MACs {@code mac1}/{@code mac2}, addresses 1.1.1.1/24 and 1.1.2.1/24, static
 *       neighbours 1.1.1.2 ({@code vif1_mac}) and 1.1.2.2 ({@code vif2_mac}), routes 10.0.0.0/8 and
 *       20.0.0.0/8 through them. Parameters {@code if1}, {@code if2}, {@code mac1}, {@code mac2},
 *       {@code vif1_mac}, {@code vif2_mac}.
 * </ul>
 * Both end with {@code show version}: its output on the console is what the boot probe waits for.
 * The interface names are parameters (the seed hard-coded {@code GigabitEthernet0/6/0} and
 * {@code GigabitEthernet0/7/0}, which the factories here still default to) because newer VPP names
 * DPDK's virtio ports differently ({@code VirtioEthernet0/6/0}).
 *
 * <p>Every value must be one CLI word (no blanks or line breaks, which would add commands), and the
 * parameters must match the template's exactly: a missing or unknown name is a
 * {@link TemplateParameterException} naming it.
 */
public final class VppRunningConfig {

    private static final Pattern TEMPLATE_NAME = Pattern.compile("[A-Za-z0-9_]+");
    private static final Map<String, TextTemplate> SHIPPED = new ConcurrentHashMap<>();

    /** The seed's L2 cross-connect chain template. */
    public static final String L2XC = "vpp_chain_l2xc";
    /** The seed's IPv4 routing chain template. */
    public static final String IP4 = "vpp_chain_ip4";
    /** VPP's name for the NIC in slot 6 as the seed knew it (VPP 19.x). */
    public static final String SEED_IF1 = "GigabitEthernet0/6/0";
    /** VPP's name for the NIC in slot 7 as the seed knew it (VPP 19.x). */
    public static final String SEED_IF2 = "GigabitEthernet0/7/0";

    private final TextTemplate template;
    private final Map<String, String> values;

    private VppRunningConfig(TextTemplate template, Map<String, String> values) {
        this.template = template;
        this.values = Collections.unmodifiableMap(values);
    }

    /**
     * A shipped template by name, without values yet; each template is read once and cached (thread-safe).
     *
     * @param name {@value #L2XC} or {@value #IP4} (a file {@code NAME.exec} under the package's {@code templates/})
     * @return the configuration, to be filled with {@link #with}
     * @throws InvalidFunctionConfigException naming {@code name} if not {@code [A-Za-z0-9_]+}, or
     *     {@code template} if no such template ships
     */
    public static VppRunningConfig shipped(String name) {
        Objects.requireNonNull(name, "name");
        if (!TEMPLATE_NAME.matcher(name).matches()) {
            throw new InvalidFunctionConfigException("name", "'" + PciAddress.printable(name)
                    + "' is not a template name");
        }
        // read and parsed once per name; a missing template throws and is not remembered
        return of(SHIPPED.computeIfAbsent(name, n -> TextTemplate.resource(n + ".exec")));
    }

    /**
     * A caller's own template, without values yet.
     *
     * @param template the CLI script template, e.g. from {@link TextTemplate#of}
     * @return the configuration, to be filled with {@link #with}
     * @throws NullPointerException if {@code template} is null
     */
    public static VppRunningConfig of(TextTemplate template) {
        return new VppRunningConfig(Objects.requireNonNull(template, "template"), new LinkedHashMap<>());
    }

    /**
     * {@value #L2XC} between the seed's two NICs ({@value #SEED_IF1}, {@value #SEED_IF2}).
     *
     * @return the configuration, every parameter set
     */
    public static VppRunningConfig l2CrossConnect() {
        return l2CrossConnect(SEED_IF1, SEED_IF2);
    }

    /**
     * {@value #L2XC} between two VPP interfaces.
     *
     * @param if1 VPP's name of the first NIC, e.g. {@code VirtioEthernet0/6/0}
     * @param if2 VPP's name of the second NIC
     * @return the configuration, every parameter set
     * @throws InvalidFunctionConfigException naming {@code if1} or {@code if2} if not one CLI word
     */
    public static VppRunningConfig l2CrossConnect(String if1, String if2) {
        return shipped(L2XC).with("if1", if1).with("if2", if2);
    }

    /**
     * {@value #IP4} between the seed's two NICs.
     *
     * @param mac1 the MAC VPP gives its first NIC (the seed passed the NIC's own, {@code 52:54:00:00:<vm>:01})
     * @param mac2 the MAC VPP gives its second NIC
     * @param vif1Mac the next hop behind the first NIC (traffic generator or previous VM)
     * @param vif2Mac the next hop behind the second NIC
     * @return the configuration, every parameter set
     * @throws NullPointerException if a MAC is null
     */
    public static VppRunningConfig ip4Chain(MacAddress mac1, MacAddress mac2, MacAddress vif1Mac, MacAddress vif2Mac) {
        return ip4Chain(SEED_IF1, SEED_IF2, mac1, mac2, vif1Mac, vif2Mac);
    }

    /**
     * {@value #IP4} between two VPP interfaces.
     *
     * @param if1     VPP's name of the first NIC, e.g. {@code VirtioEthernet0/6/0}
     * @param if2     VPP's name of the second NIC
     * @param mac1    the MAC VPP gives its first NIC
     * @param mac2    the MAC VPP gives its second NIC
     * @param vif1Mac the next hop behind the first NIC (1.1.1.2)
     * @param vif2Mac the next hop behind the second NIC (1.1.2.2)
     * @return the configuration, every parameter set
     * @throws InvalidFunctionConfigException naming {@code if1} or {@code if2} if not one CLI word
     * @throws NullPointerException if a MAC is null
     */
    public static VppRunningConfig ip4Chain(String if1, String if2, MacAddress mac1, MacAddress mac2,
            MacAddress vif1Mac, MacAddress vif2Mac) {
        return shipped(IP4).with("if1", if1).with("if2", if2)
                .with("mac1", Objects.requireNonNull(mac1, "mac1").value())
                .with("mac2", Objects.requireNonNull(mac2, "mac2").value())
                .with("vif1_mac", Objects.requireNonNull(vif1Mac, "vif1_mac").value())
                .with("vif2_mac", Objects.requireNonNull(vif2Mac, "vif2_mac").value());
    }

    /**
     * A copy with one parameter set (replacing an earlier value). Names are checked against the
     * template only by {@link #render}.
     *
     * @param name  the placeholder's name
     * @param value one CLI word: no whitespace, control characters or braces
     * @return the copy; this one is unchanged
     * @throws InvalidFunctionConfigException whose parameter is {@code name}, if {@code value} is null or not
     *     one word
     * @throws NullPointerException if {@code name} is null
     */
    public VppRunningConfig with(String name, String value) {
        Objects.requireNonNull(name, "name");
        Checks.token(name, value);
        Map<String, String> copy = new LinkedHashMap<>(values);
        copy.put(name, value);
        return new VppRunningConfig(template, copy);
    }

    /**
     * A copy with every entry of {@code more} set, as {@link #with} would.
     *
     * @param more placeholder names and their values
     * @return the copy; this one is unchanged
     * @throws InvalidFunctionConfigException naming the first entry whose value is not one CLI word
     */
    public VppRunningConfig withAll(Map<String, String> more) {
        VppRunningConfig result = this;
        for (Map.Entry<String, String> e : more.entrySet()) {
            result = result.with(e.getKey(), e.getValue());
        }
        return result;
    }

    /**
     * The template's name.
     *
     * @return the shipped name (e.g. {@value #L2XC}) or the name a caller's template was given
     */
    public String templateName() {
        return template.name();
    }

    /**
     * The template's parameter names.
     *
     * @return the placeholder names, in order of first appearance
     */
    public Set<String> parameters() {
        return template.parameters();
    }

    /**
     * The values set so far.
     *
     * @return an unmodifiable map, in the order the names were first set
     */
    public Map<String, String> values() {
        return values;
    }

    /**
     * The CLI script.
     *
     * @return the template with every parameter replaced by its value
     * @throws TemplateParameterException naming each parameter without a value and each value without a parameter
     */
    public String render() {
        return template.render(values);
    }
}
