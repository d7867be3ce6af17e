/**
 * Reading the logs back: the search API, the live tail and the page.
 */
package io.mqlab.logs.search;
