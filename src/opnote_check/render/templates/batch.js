(function(){
var table=document.getElementById('cases');if(!table)return;
var body=table.tBodies[0],rows=Array.prototype.slice.call(body.rows),heads=table.tHead.rows[0].cells;
function val(id){return document.getElementById(id).value;}
function filter(){
  var rule=val('f-rule'),status=val('f-status'),surgeon=val('f-surgeon'),from=val('f-from'),to=val('f-to');
  var amount=parseFloat(val('f-amount')||'0'),text=val('f-case').toLowerCase(),shown=0;
  rows.forEach(function(r){var d=r.dataset,ok=(!rule||d.rules.indexOf(' '+rule+' ')>=0)&&(!status||d.status===status)
    &&(!surgeon||d.surgeon===surgeon)&&(!from||(d.date&&d.date>=from))&&(!to||(d.date&&d.date<=to))
    &&(parseFloat(d.amount||'0')>=amount)&&(!text||d.case.toLowerCase().indexOf(text)>=0);
    r.hidden=!ok;if(ok)shown++;});
  document.getElementById('shown').textContent=shown+' of '+rows.length+' listed cases shown.';
}
function sortBy(i){
  var th=heads[i],num=th.dataset.type==='num',dir=th.getAttribute('aria-sort')==='descending'?'ascending':'descending';
  for(var k=0;k<heads.length;k++)heads[k].removeAttribute('aria-sort');th.setAttribute('aria-sort',dir);
  var key=function(r){var c=r.cells[i];return num?parseFloat(c.dataset.v||'0'):c.textContent.trim().toLowerCase();};
  rows.sort(function(a,b){var x=key(a),y=key(b),o=x<y?-1:x>y?1:0;return dir==='ascending'?o:-o;});
  rows.forEach(function(r){body.appendChild(r);});
}
for(var i=0;i<heads.length;i++){(function(i){var th=heads[i];th.tabIndex=0;th.setAttribute('role','button');
  th.addEventListener('click',function(){sortBy(i);});
  th.addEventListener('keydown',function(e){if(e.key==='Enter'||e.key===' '){e.preventDefault();sortBy(i);}});})(i);}
document.getElementById('filters').addEventListener('input',filter);
document.getElementById('filters').addEventListener('submit',function(e){e.preventDefault();});
})();
