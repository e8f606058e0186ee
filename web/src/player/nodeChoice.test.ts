import { expect, it } from "vitest";
import { nextNode, originOf, type ClusterNode } from "./nodeChoice";

const n1: ClusterNode = { node_id: "a1", url: "http://10.0.0.1:4533" };
const n2: ClusterNode = { node_id: "b2", url: "http://10.0.0.2:4533" };
const n3: ClusterNode = { node_id: "c3", url: "http://10.0.0.3:4533" };
const nodes = [n1, n2, n3];
const none = new Set<string>();

it("moves to the node after the failed one, wrapping around", () => {
  expect(nextNode(nodes, n1.url, none)).toBe(n2);
  expect(nextNode(nodes, n2.url, none)).toBe(n3);
  expect(nextNode(nodes, n3.url, none)).toBe(n1);
});

it("skips nodes found down, and gives up when every other node is", () => {
  expect(nextNode(nodes, n2.url, new Set([n3.url]))).toBe(n1);
  expect(nextNode(nodes, n2.url, new Set([n1.url, n3.url]))).toBeNull();
});

it("never picks the failed node itself, however the URL is spelled", () => {
  expect(nextNode([n1, n2], "http://10.0.0.1:4533/", new Set([n2.url]))).toBeNull();
  expect(nextNode([n1], n1.url, none)).toBeNull();
  expect(nextNode([], n1.url, none)).toBeNull();
});

it("starts from the top when the failed node is not in the list (the page knows it by another name)", () => {
  expect(nextNode(nodes, "http://localhost:4533", none)).toBe(n1);
  expect(nextNode(nodes, "http://localhost:4533", new Set([n1.url]))).toBe(n2);
});

it("compares origins: default ports, case and trailing slashes do not matter", () => {
  expect(originOf("http://Example.org:80/")).toBe("http://example.org");
  expect(originOf("http://10.0.0.1:4533")).toBe("http://10.0.0.1:4533");
});
