/**
 * VM templates: boot a VM once, save it, and start clones of it in a fraction of a boot.
 *
 * <p>{@link io.qemureactor.core.template.TemplateMaker} boots a spec with its guest RAM in a file
 * mapped shared, pauses it and saves its device state with QEMU's {@code x-ignore-shared} capability
 * (the RAM stays in the file, not in the stream), and writes a manifest. {@link
 * io.qemureactor.core.template.TemplateRestorer} starts a clone: a new QEMU with the same guest-visible
 * command line, the template's RAM file mapped <em>privately</em> (copy-on-write: clones share every
 * page none of them wrote), {@code -incoming defer}, the saved state loaded, then resumed; the clone's
 * clock is set through its agent. See {@code docs/templates.md}.
 */
package io.qemureactor.core.template;
