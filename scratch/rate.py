import json
w=[json.loads(l)['written'] for l in open('scratch/eng.out') if '"written"' in l and 'stopped' not in l]
d=[b-a for a,b in zip(w,w[1:])]
mid=d[2:-2]
print('per-second:', d)
print('steady mean %.0f' % (sum(mid)/len(mid)))
