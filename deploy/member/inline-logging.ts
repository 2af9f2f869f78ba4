/**
 * The member template's custom resource, as the source CloudFormation puts inline (ZipFile): a
 * StackSet cannot reach a stage bucket, so the code travels in the template. It does what
 * functions/logging-config does for the full stack, in little: keep the account's setting from
 * before (in SSM), point Bedrock at the member's log group with the same merge as
 * desiredLoggingConfig (test/organization.test.ts checks they agree), and on delete put the old
 * setting back if the current one is still the member's. Self-contained CommonJS: the runtime's AWS
 * SDK and Node's https only. ZipFile takes at most 4,096 bytes, so it is terse and its comments
 * are here:
 * - `desired`: the member's CloudWatch delivery; other destinations and the body flags are kept.
 * - `put` retries: a new role takes a while to be usable, and Bedrock checks it when the setting is put.
 * - `undo`: only what this stack did; a failed restore keeps the old setting in SSM and lets the
 *   delete finish (a StackSet removal is not blocked by one account).
 * - `handler`: always answers, and 10 s before the function's timeout, so no stack waits for a crash.
 */

/** CloudFormation's limit on inline (ZipFile) source. */
export const ZIP_FILE_MAX_BYTES = 4096;

export const INLINE_LOGGING_SOURCE = `const B=require('@aws-sdk/client-bedrock'),S=require('@aws-sdk/client-ssm'),https=require('https');
const bedrock=new B.BedrockClient({maxAttempts:4}),ssm=new S.SSMClient({maxAttempts:4});
const FLAGS=['textDataDeliveryEnabled','imageDataDeliveryEnabled','embeddingDataDeliveryEnabled','videoDataDeliveryEnabled'];
const on=(c)=>Boolean(c&&((c.cloudWatchConfig&&c.cloudWatchConfig.logGroupName)||(c.s3Config&&c.s3Config.bucketName)));
exports.desired=(prev,p)=>{
  const cloudWatchConfig={logGroupName:p.LogGroupName,roleArn:p.RoleArn};
  if(p.TextDataDelivery==='true')return{...prev,cloudWatchConfig,textDataDeliveryEnabled:true};
  const archive=Boolean(prev&&prev.s3Config&&prev.s3Config.bucketName),flags={};
  for(const f of FLAGS)flags[f]=archive&&prev[f]===true;
  return{...prev,cloudWatchConfig,...flags};
};
const stored=async(Name)=>{
  try{return(await ssm.send(new S.GetParameterCommand({Name}))).Parameter.Value}
  catch(e){if(e.name==='ParameterNotFound')return undefined;throw e}
};
const current=async()=>(await bedrock.send(new B.GetModelInvocationLoggingConfigurationCommand({}))).loggingConfig;
const sleep=(ms)=>new Promise((r)=>setTimeout(r,ms));
exports.put=async(loggingConfig,wait=sleep)=>{
  for(let i=1;;i++){
    try{return await bedrock.send(new B.PutModelInvocationLoggingConfigurationCommand({loggingConfig}))}
    catch(e){if(i>=6||!/^(ValidationException|AccessDeniedException|ThrottlingException)$/.test(e.name))throw e;await wait(5000*i)}
  }
};
async function apply(p){
  let s=await stored(p.PreviousConfigParameter);
  if(s===undefined){
    const c=await current();
    s=JSON.stringify({previous:on(c)?c:null});
    await ssm.send(new S.PutParameterCommand({Name:p.PreviousConfigParameter,Value:s,Type:'String',Overwrite:false}));
  }
  await exports.put(exports.desired(JSON.parse(s).previous||undefined,p));
  return 'logging to '+p.LogGroupName;
}
async function undo(p){
  const s=await stored(p.PreviousConfigParameter);
  if(s===undefined)return 'nothing to undo: this stack never changed the logging setting';
  const prev=JSON.parse(s).previous,c=await current();
  let reason='logging no longer points at this stack; left as it is';
  if(c&&c.cloudWatchConfig&&c.cloudWatchConfig.logGroupName===p.LogGroupName&&c.cloudWatchConfig.roleArn===p.RoleArn){
    try{
      if(on(prev))await bedrock.send(new B.PutModelInvocationLoggingConfigurationCommand({loggingConfig:prev}));
      else await bedrock.send(new B.DeleteModelInvocationLoggingConfigurationCommand({}));
    }catch(e){return 'restore failed ('+e.name+': '+e.message+'); the earlier setting stays in SSM parameter '+p.PreviousConfigParameter}
    reason=on(prev)?'previous logging configuration restored':'logging turned off, as it was';
  }
  await ssm.send(new S.DeleteParameterCommand({Name:p.PreviousConfigParameter}));
  return reason;
}
const respond=(e,Status,Reason)=>new Promise((ok,no)=>{
  const body=JSON.stringify({Status,Reason:String(Reason).slice(0,1500),PhysicalResourceId:e.PhysicalResourceId||'bedrock-member-logging-'+e.StackId.split('/')[1],StackId:e.StackId,RequestId:e.RequestId,LogicalResourceId:e.LogicalResourceId});
  const r=https.request(e.ResponseURL,{method:'PUT',headers:{'content-type':'','content-length':Buffer.byteLength(body)}},(res)=>{res.resume();res.on('end',ok)});
  r.on('error',no);r.end(body);
});
exports.handler=async(e,context)=>{
  let timer,status='SUCCESS',reason;
  const late=new Promise((_,no)=>{timer=setTimeout(()=>no(new Error('no result before the function timeout')),context.getRemainingTimeInMillis()-10000)});
  try{reason=await Promise.race([e.RequestType==='Delete'?undo(e.ResourceProperties):apply(e.ResourceProperties),late])}
  catch(err){status='FAILED';reason=err.name+': '+err.message}
  finally{clearTimeout(timer)}
  await respond(e,status,reason);
};
`;
