import assert from 'node:assert/strict';
import { test } from 'node:test';
import { jarName, jarPath, parseTree, progressBar } from '../../../src/stack/maven.ts';

const TREE = `local.userstream.stack:classpath:pom:1
+- org.apache.zookeeper:zookeeper:jar:3.9.5:compile
|  +- io.netty:netty-transport-native-epoll:jar:linux-x86_64:4.1.130.Final:compile
|  |  \\- io.netty:netty-transport-classes-epoll:jar:4.1.130.Final:compile
|  \\- org.example:parent-only:pom:1.0:compile
\\- org.apache.logging.log4j:log4j-slf4j2-impl:jar:2.26.1:runtime
`;

test('the dependency tree gives every jar of the classpath, classifiers included, the root and poms left out', () => {
  const coords = parseTree(TREE);
  assert.deepEqual(coords.map(jarName), [
    'zookeeper-3.9.5.jar',
    'netty-transport-native-epoll-4.1.130.Final-linux-x86_64.jar',
    'netty-transport-classes-epoll-4.1.130.Final.jar',
    'log4j-slf4j2-impl-2.26.1.jar',
  ]);
  assert.equal(jarPath('/m2', coords[1]!), '/m2/io/netty/netty-transport-native-epoll/4.1.130.Final/netty-transport-native-epoll-4.1.130.Final-linux-x86_64.jar');
  assert.deepEqual(parseTree(''), []);
});

test('the progress bar fills with the share done and never overflows', () => {
  assert.equal(progressBar(0, 100, 10), '[----------] 0/100');
  assert.equal(progressBar(37, 100, 10), '[####------] 37/100');
  assert.equal(progressBar(100, 100, 10), '[##########] 100/100');
  assert.equal(progressBar(120, 100, 10), '[##########] 100/100');
  assert.equal(progressBar(0, 0, 4), '[####] 0/0', 'nothing to download is done');
});
