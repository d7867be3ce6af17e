/**
 * The live page's feed: snapshots of instances and alerts as server-sent events (the page
 * itself is in {@code io/mqlab/monitoring/page/} on the classpath).
 */
package io.mqlab.monitoring.page;
