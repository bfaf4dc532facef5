document.addEventListener('click',ev=>{
  const b=ev.target.closest('[data-code-version]');if(!b)return;
  const src=document.getElementById('code-v'+b.dataset.codeVersion);
  const view=document.getElementById('code-view');
  view.textContent=src?src.content.textContent:'(this version was not saved)';
  document.getElementById('code-view-label').textContent=b.dataset.label;
  view.scrollIntoView({block:'nearest'});
});
