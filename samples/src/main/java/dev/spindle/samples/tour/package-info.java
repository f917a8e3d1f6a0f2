/**
 * The README's five-minute tour, as programs: {@link dev.spindle.samples.tour.FirstActor},
 * {@link dev.spindle.samples.tour.FirstHttpServer}, {@link dev.spindle.samples.tour.FirstCluster}
 * and {@link dev.spindle.samples.tour.FirstMailbox}. README.md quotes each file whole (a
 * {@code <!-- snippet: path -->} comment names it above the block); {@code ReadmeSnippetsTest}
 * fails when a quoted block and its file differ, and {@code TourTest} runs each program. Change a
 * file here, then paste it into the README: the test says where they differ.
 */
package dev.spindle.samples.tour;
