import json,sys,glob,collections
f=sorted(glob.glob('prof/*.cpuprofile'))[-1]
p=json.load(open(f))
nodes={n['id']:n for n in p['nodes']}
self_t=collections.Counter()
dt=p['timeDeltas']; samples=p['samples']
for s,d in zip(samples,dt): self_t[s]+=d
tot=sum(dt)
by=collections.Counter()
for nid,t in self_t.items():
    cf=nodes[nid]['callFrame']
    key=f"{cf['functionName'] or '(anon)'} {cf['url'].split('/')[-1]}:{cf['lineNumber']}"
    by[key]+=t
for k,v in by.most_common(35): print(f"{v/tot*100:5.1f}% {k}")
# by file
byf=collections.Counter()
for nid,t in self_t.items():
    cf=nodes[nid]['callFrame']; u=cf['url']
    if 'node_modules' in u: u=u.split('node_modules/')[1].split('/')[0]
    else: u=u.split('/')[-1]
    byf[u]+=t
print('---')
for k,v in byf.most_common(20): print(f"{v/tot*100:5.1f}% {k}")
