/**
 * Datasets on disk: {@link io.mater.data.Ravdess} and {@link io.mater.data.CremaD} scan a tree of WAV files into a
 * {@link io.mater.data.Corpus} of labelled {@link io.mater.data.Clip}s (label, subject, intensity, header facts),
 * with per-class and per-subject counts; misnamed or unreadable files fail the scan unless asked to be skipped.
 */
package io.mater.data;
