const player=document.getElementById('player');const nowLabel=document.getElementById('now');
let activeTurn=null;
function seek(src,offset,turn){
  if(activeTurn)activeTurn.classList.remove('active');
  activeTurn=document.getElementById('turn-'+turn);
  if(activeTurn){activeTurn.classList.add('active');}
  if(!src){if(activeTurn)activeTurn.scrollIntoView({block:'center'});return;}
  const go=()=>{player.currentTime=offset;const p=player.play();if(p)p.catch(()=>{});};
  nowLabel.textContent='turn '+turn+' from '+offset.toFixed(1)+' s';
  if(player.getAttribute('src')!==src){player.setAttribute('src',src);player.load();}
  if(player.readyState>=1){go();}else{player.addEventListener('loadedmetadata',go,{once:true});}
}
document.addEventListener('click',ev=>{
  const el=ev.target.closest('[data-turn]');if(!el)return;
  seek(el.dataset.audio||'',parseFloat(el.dataset.offset||'0'),el.dataset.turn);
});
if(location.hash==='#selftest'){window.addEventListener('load',()=>{
  const all=[...document.querySelectorAll('button.quote[data-audio]')];
  const q=all.find(b=>parseFloat(b.dataset.offset)>0.5)||all[0];
  const out=document.getElementById('selftest');
  if(!q){out.textContent='{"error":"no quote with audio"}';return;}
  const report=(how)=>{out.textContent=JSON.stringify({how:how,src:player.getAttribute('src'),
    currentTime:player.currentTime,expected:parseFloat(q.dataset.offset),turn:q.dataset.turn,
    readyState:player.readyState,duration:player.duration});};
  const expected=parseFloat(q.dataset.offset);
  const check=(ev)=>{if(Math.abs(player.currentTime-expected)<0.05)report(ev.type);};
  player.addEventListener('seeking',check);player.addEventListener('seeked',check);
  player.addEventListener('error',()=>{out.textContent=JSON.stringify({error:'media error '+
    (player.error&&player.error.code)});},{once:true});
  q.click();
});}
