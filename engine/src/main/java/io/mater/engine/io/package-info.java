/**
 * Files: {@link io.mater.engine.io.SafeTensors} (tensor checkpoints and fixtures, strict reader, atomic writer),
 * {@link io.mater.engine.io.Json} (strict RFC 8259 parser and writer for headers, configs and results) and
 * {@link io.mater.engine.io.AtomicFile} (temp file + rename). No dependencies beyond the JDK.
 */
package io.mater.engine.io;
