/**
 * Building blocks for {@link dev.envctl.core.spi.ClusterProvider} implementations: running tools found on a
 * chosen {@code PATH} ({@link dev.envctl.core.provider.ToolRunner}), the Docker networks providers make
 * ({@link dev.envctl.core.provider.DockerNetworks}), the one error a failed create with its cleanup
 * reports ({@link dev.envctl.core.provider.CreateFailure}), and the mark a finished create leaves in a node
 * ({@link dev.envctl.core.provider.CreatedMark}). The k3d and kind providers use them; third-party
 * providers may too.
 */
package dev.envctl.core.provider;
