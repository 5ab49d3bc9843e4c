/**
 * The brokers a cluster has, not only those up. A Metadata answer lists the
 * brokers that are alive (in KRaft: registered and unfenced), so a broker
 * killed a few seconds ago is not in it, and counting it would make a topic
 * created while one of three brokers is down get the replication of a
 * two-broker cluster. DescribeCluster v2 (KIP-1073, Kafka 4.0) can list the
 * fenced brokers too; @platformatic/kafka implements up to v1, so v2 is
 * defined here with its protocol helpers. On a broker without v2 (Kafka 3.x,
 * ZooKeeper mode) the live brokers are all that can be known.
 */
import { type Admin, createAPI, type Reader, Writer } from '@platformatic/kafka';

const DESCRIBE_CLUSTER = 60;
/** DescribeCluster's endpoint_type for the brokers (2 would be the controllers). */
const BROKER_ENDPOINTS = 1;

export interface RegisteredBroker {
  id: number;
  fenced: boolean;
}

/*
  DescribeCluster Request (Version: 2) => include_cluster_authorized_operations endpoint_type include_fenced_brokers TAG_BUFFER
*/
function createRequest(includeFencedBrokers: boolean) {
  return Writer.create().appendBoolean(false).appendInt8(BROKER_ENDPOINTS).appendBoolean(includeFencedBrokers).appendTaggedFields();
}

/*
  DescribeCluster Response (Version: 2) => throttle_time_ms error_code error_message endpoint_type cluster_id controller_id
    [brokers => broker_id host port rack is_fenced TAG_BUFFER] cluster_authorized_operations TAG_BUFFER
*/
interface DescribeClusterAnswer {
  errorCode: number;
  errorMessage: string | null;
  brokers: RegisteredBroker[];
}

function parseResponse(_correlationId: number, _apiKey: number, _apiVersion: number, reader: Reader): DescribeClusterAnswer {
  reader.readInt32(); // throttle_time_ms
  const errorCode = reader.readInt16();
  const errorMessage = reader.readNullableString();
  reader.readInt8(); // endpoint_type
  reader.readString(); // cluster_id
  reader.readInt32(); // controller_id
  const brokers = reader.readArray((r) => {
    const id = r.readInt32();
    r.readString(); // host
    r.readInt32(); // port
    r.readNullableString(); // rack
    return { id, fenced: r.readBoolean() };
  });
  reader.readInt32(); // cluster_authorized_operations
  reader.readTaggedFields();
  return { errorCode, errorMessage, brokers };
}

const describeClusterV2 = createAPI<[includeFencedBrokers: boolean], DescribeClusterAnswer>(DESCRIBE_CLUSTER, 2, createRequest, parseResponse);

/**
 * Every broker the cluster has registered, fenced (down) ones included, when
 * the broker answering supports DescribeCluster v2; otherwise the live ones.
 */
export async function registeredBrokers(admin: Admin): Promise<RegisteredBroker[]> {
  const meta = await admin.metadata({ topics: [] });
  const live = [...meta.brokers.keys()].sort((a, b) => a - b).map((id) => ({ id, fenced: false }));
  const apis = await admin.listApis();
  const supported = apis.find((a) => a.apiKey === DESCRIBE_CLUSTER);
  if (!supported || supported.maxVersion < 2 || live.length === 0) return live;
  const connections = await admin.connectToBrokers([live[0]!.id]);
  const connection = connections.values().next().value;
  if (!connection) return live;
  const answer = await describeClusterV2.async(connection, true);
  if (answer.errorCode !== 0) throw new Error(`DescribeCluster failed with error ${answer.errorCode}: ${answer.errorMessage ?? 'no message'}`);
  return answer.brokers.sort((a, b) => a.id - b.id);
}
